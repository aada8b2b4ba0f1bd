package vpc

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceName is the endpoint service name of an AWS service in the region.
func serviceName(env awsEnv, service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", env.Region, service)
}

// endpoints builds the S3 gateway endpoint on every private route table and
// the interface endpoints in the private subnets, behind a security group
// that admits only HTTPS from the VPC. It returns that security group.
func endpoints(ctx *pulumi.Context, name string, args Args, env awsEnv, vpc *ec2.Vpc,
	privateSubnets, privateRouteTables pulumi.StringArray, parent pulumi.ResourceOrInvokeOption,
) (*ec2.SecurityGroup, error) {
	// Gateway endpoints are free and keep tiered-storage segment uploads
	// (the bulk of this platform's egress) off the NAT gateways: no NAT data
	// processing charge, no NAT bandwidth ceiling, no cross-zone hop.
	if _, err := ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           vpc.ID(),
		ServiceName:     pulumi.String(serviceName(env, "s3")),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   privateRouteTables,
		Tags:            args.tags(name + "-s3"),
	}, parent); err != nil {
		return nil, err
	}

	sgName := name + "-endpoints"
	sg, err := ec2.NewSecurityGroup(ctx, sgName, &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("Interface VPC endpoints: HTTPS from inside the VPC only"),
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS to AWS APIs from the VPC"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String(args.Cidr.String())},
		}},
		// No egress rules: endpoints only answer connections (security
		// groups are stateful). The AWS provider removes the default
		// allow-all egress rule when none is declared.
		Tags: args.tags(sgName),
	}, parent)
	if err != nil {
		return nil, err
	}

	services := args.InterfaceEndpoints
	if services == nil {
		services = DefaultInterfaceEndpoints
	}
	for _, svc := range services {
		epName := fmt.Sprintf("%s-%s", name, svc)
		if _, err := ec2.NewVpcEndpoint(ctx, epName, &ec2.VpcEndpointArgs{
			VpcId:           vpc.ID(),
			ServiceName:     pulumi.String(serviceName(env, svc)),
			VpcEndpointType: pulumi.String("Interface"),
			// Private DNS makes the regional service hostname resolve to the
			// endpoint, so SDKs and kubelet need no endpoint overrides.
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         privateSubnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			Tags:              args.tags(epName),
		}, parent); err != nil {
			return nil, err
		}
	}
	return sg, nil
}
