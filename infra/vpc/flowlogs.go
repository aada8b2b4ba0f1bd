package vpc

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tradingfirm/kafka-platform/internal/iampolicy"
)

// flowLogGroupName is the log group of the VPC's flow logs. It is named
// explicitly so the KMS key policy can pin its encryption context to this one
// group before the group exists.
func flowLogGroupName(name string) string { return "/aws/vpc-flow-logs/" + name }

// logGroupArn is the ARN CloudWatch Logs uses in the encryption context and
// IAM resources (without the trailing ":*").
func logGroupArn(env awsEnv, group string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", env.Partition, env.Region, env.Account, group)
}

// flowLogKeyPolicy lets the account administer the key through IAM and lets
// CloudWatch Logs in this region use it only for the flow log group.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
func flowLogKeyPolicy(env awsEnv, group string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "AccountAdministersViaIAM",
			Effect:    iampolicy.Allow,
			Principal: map[string][]string{"AWS": {fmt.Sprintf("arn:%s:iam::%s:root", env.Partition, env.Account)}},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		},
		iampolicy.Statement{
			Sid:       "CloudWatchLogsEncryptsFlowLogGroup",
			Effect:    iampolicy.Allow,
			Principal: map[string][]string{"Service": {fmt.Sprintf("logs.%s.%s", env.Region, env.DNSSuffix)}},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
		}.Cond("ArnEquals", "kms:EncryptionContext:aws:logs:arn", logGroupArn(env, group)),
	)
}

// flowLogTrustPolicy lets only the flow logs service assume the role, and
// only on behalf of flow logs in this account and region (confused deputy).
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
func flowLogTrustPolicy(env awsEnv) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "VpcFlowLogsOnly",
		Effect:    iampolicy.Allow,
		Principal: map[string][]string{"Service": {"vpc-flow-logs.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	}.Cond("StringEquals", "aws:SourceAccount", env.Account).
		Cond("ArnLike", "aws:SourceArn", fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-flow-log/*", env.Partition, env.Region, env.Account)))
}

// flowLogPermissions lets the role write streams of the one log group.
// DescribeLogGroups has no per-group resource, so it is scoped to the
// account and region's log groups.
func flowLogPermissions(env awsEnv, group string) iampolicy.Document {
	arn := logGroupArn(env, group)
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "WriteFlowLogGroup",
			Effect:   iampolicy.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{arn, arn + ":*"},
		},
		iampolicy.Statement{
			Sid:      "FindLogGroup",
			Effect:   iampolicy.Allow,
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", env.Partition, env.Region, env.Account)},
		},
	)
}

// flowLogs records ALL traffic of the VPC (accepted and rejected) into a
// KMS-encrypted log group kept FlowLogRetentionDays: the network evidence a
// regulated venue must be able to produce after an incident.
func flowLogs(ctx *pulumi.Context, name string, args Args, env awsEnv, vpc *ec2.Vpc, parent pulumi.ResourceOrInvokeOption) (*cloudwatch.LogGroup, error) {
	group := flowLogGroupName(name)
	keyPolicy, err := flowLogKeyPolicy(env, group).JSON()
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name+"-flow-logs", &kms.KeyArgs{
		Description:          pulumi.Sprintf("VPC flow logs of %s", name),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy),
		Tags:                 args.tags(name + "-flow-logs"),
	}, parent, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	if err != nil {
		return nil, err
	}
	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(group),
		RetentionInDays: pulumi.Int(args.FlowLogRetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            args.tags(name + "-flow-logs"),
	}, parent, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	if err != nil {
		return nil, err
	}

	trust, err := flowLogTrustPolicy(env).JSON()
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		Description:      pulumi.Sprintf("Delivers VPC flow logs of %s to CloudWatch Logs", name),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             args.tags(name + "-flow-logs"),
	}, parent)
	if err != nil {
		return nil, err
	}
	perms, err := flowLogPermissions(env, group).JSON()
	if err != nil {
		return nil, err
	}
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(perms),
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:              vpc.ID(),
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     logGroup.Arn,
		IamRoleArn:         role.Arn,
		// One minute instead of the default ten: an incident timeline needs
		// minute resolution.
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   args.tags(name + "-flow-logs"),
		// Flow log creation checks that the role can write; the inline policy
		// must exist first.
	}, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy})); err != nil {
		return nil, err
	}
	return logGroup, nil
}
