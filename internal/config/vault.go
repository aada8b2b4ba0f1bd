package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// VaultAuthMethod is how the Pulumi program itself logs in to Vault.
type VaultAuthMethod string

// The auth methods.
const (
	// VaultAuthToken uses the standard VAULT_TOKEN environment variable of the
	// deploying process; the token never enters config (Pulumi keeps it, as a
	// secret provider input, encrypted in state).
	VaultAuthToken VaultAuthMethod = "token"
	// VaultAuthAWS logs in with the deployer's AWS credentials (IAM auth
	// method) as vaultAwsAuthRole: what CI uses, no long-lived token at all.
	VaultAuthAWS VaultAuthMethod = "aws"
)

// VaultTokenEnv is the environment variable the token auth method reads.
const VaultTokenEnv = "VAULT_TOKEN"

// VaultTokenSource is the Source key under which Load passes VAULT_TOKEN
// (marked secret): not a project key, so it can never sit in a stack file.
const VaultTokenSource = "env:" + VaultTokenEnv

var (
	keyVaultAddress = define(Key{Name: "vaultAddress", Type: String, Default: "",
		Description: "URL of the Vault cluster holding the MirrorMaker peer credentials, e.g. https://vault.example.internal:8200. Required on dr stacks and on a primary with peerVpcCidr set (it writes the credentials the DR side reads). Both stacks must use the same Vault."})
	keyVaultAuthMethod = define(Key{Name: "vaultAuthMethod", Type: String, Default: string(VaultAuthToken),
		Description: "How the deployer logs in to Vault: `token` (default; the VAULT_TOKEN environment variable of the deploying process, never stored in config; Pulumi keeps it encrypted in state as the provider's secret input) or `aws` (Vault's AWS IAM auth method with the deployer's AWS credentials and vaultAwsAuthRole; recommended for CI)."})
	keyVaultAwsRole = define(Key{Name: "vaultAwsAuthRole", Type: String, Default: "",
		Description: "Vault role for vaultAuthMethod: aws (the role of the AWS auth method bound to the deploy role's ARN)."})
	keyVaultAwsMount = define(Key{Name: "vaultAwsAuthMount", Type: String, Default: "aws",
		Description: "Mount path of Vault's AWS auth method for vaultAuthMethod: aws. Default `aws`, Vault's default path."})
	keyVaultNamespace = define(Key{Name: "vaultNamespace", Type: String, Default: "",
		Description: "Vault Enterprise / HCP Vault namespace (e.g. admin/trading). Empty: the root namespace (Vault community edition)."})
	keyVaultKvMount = define(Key{Name: "vaultKvMount", Type: String, Default: "kafka-platform",
		Description: "Path of the KV v2 secrets engine for Kafka platform secrets. The primary stack creates it and writes the MirrorMaker credentials under it; dr stacks read from it, so both stack files must agree (the default does)."})
)

// VaultConfig configures the Vault provider and secret paths.
type VaultConfig struct {
	// Address is the Vault URL; empty means Vault is not configured.
	Address string
	// AuthMethod is token or aws.
	AuthMethod VaultAuthMethod
	// AwsRole and AwsMount are used with the aws method.
	AwsRole  string
	AwsMount string
	// Namespace is the Vault Enterprise namespace, empty for root.
	Namespace string
	// KvMount is the KV v2 mount path.
	KvMount string
	// Token is VAULT_TOKEN from the deployer's environment (token method).
	// The Vault provider requires a token argument and does not fall back to
	// the environment when one is passed (pulumi/pulumi-vault#509), so the
	// program reads it and hands it over as a secret.
	Token Secret
}

// Required reports whether this stack needs Vault: a dr stack reads the
// MirrorMaker credentials from it, a primary with a DR peer writes them.
func (v VaultConfig) Required(c *Config) bool {
	return c.Stack.Role == RoleDR || (c.Stack.Role == RolePrimary && c.Network.PeerVpcCidr.IsValid())
}

var vaultPathRe = regexp.MustCompile(`^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$`)

func (v *VaultConfig) parse(r *reader) {
	v.Address = r.str(keyVaultAddress)
	v.AuthMethod = VaultAuthMethod(r.str(keyVaultAuthMethod))
	v.AwsRole = r.str(keyVaultAwsRole)
	v.AwsMount = r.str(keyVaultAwsMount)
	v.Namespace = r.str(keyVaultNamespace)
	v.KvMount = r.str(keyVaultKvMount)
	if t := r.src.Values[VaultTokenSource]; t != "" {
		v.Token = NewSecret(t)
	}
}

func (v *VaultConfig) validate(c *Config, p *Problems) {
	if v.Address == "" {
		if v.Required(c) {
			p.Add(keyVaultAddress.Name, "", fmt.Sprintf("the Vault URL: a %s stack %s", c.Stack.Role, map[bool]string{
				true: "reads the MirrorMaker peer credentials from Vault", false: "with peerVpcCidr writes the MirrorMaker peer credentials to Vault"}[c.Stack.Role == RoleDR]),
				fmt.Sprintf("run `pulumi config set %s https://<vault-host>:8200` (and export %s or set %s: aws with %s)",
					keyVaultAddress.FullName(), VaultTokenEnv, keyVaultAuthMethod.FullName(), keyVaultAwsRole.FullName()))
		}
	} else if u, err := url.Parse(v.Address); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		p.Add(keyVaultAddress.Name, v.Address, "an http(s) URL such as https://vault.example.internal:8200", "fix the URL")
	} else if u.Scheme != "https" {
		p.Add(keyVaultAddress.Name, v.Address, "an https URL (the peer private keys travel over this connection)", "use https://")
	}
	switch v.AuthMethod {
	case VaultAuthToken:
		if v.Required(c) && v.Address != "" && !v.Token.IsSet() {
			p.Add(VaultTokenSource, "", "a Vault token in the deployer's environment when vaultAuthMethod is token",
				fmt.Sprintf("run `vault login` and export %s, or set %s: aws with %s", VaultTokenEnv, keyVaultAuthMethod.FullName(), keyVaultAwsRole.FullName()))
		}
		if v.AwsRole != "" {
			p.Add(keyVaultAwsRole.Name, v.AwsRole, "empty unless vaultAuthMethod is aws", "set vaultAuthMethod: aws or remove vaultAwsAuthRole")
		}
	case VaultAuthAWS:
		if v.AwsRole == "" {
			p.Add(keyVaultAwsRole.Name, "", "the Vault AWS auth role when vaultAuthMethod is aws", "set vaultAwsAuthRole to the role bound to the deploy role")
		}
		if !vaultPathRe.MatchString(v.AwsMount) {
			p.Add(keyVaultAwsMount.Name, v.AwsMount, "a Vault mount path (letters, digits, -, _ and /)", "use aws")
		}
	default:
		p.Add(keyVaultAuthMethod.Name, string(v.AuthMethod), "token or aws", "set vaultAuthMethod to token (VAULT_TOKEN) or aws")
	}
	if v.Namespace != "" && !vaultPathRe.MatchString(v.Namespace) {
		p.Add(keyVaultNamespace.Name, v.Namespace, "a Vault namespace path such as admin/trading", "fix the namespace")
	}
	if !vaultPathRe.MatchString(v.KvMount) || v.KvMount == "sys" || strings.HasPrefix(v.KvMount, "sys/") || v.KvMount == "auth" || strings.HasPrefix(v.KvMount, "auth/") {
		p.Add(keyVaultKvMount.Name, v.KvMount, "a mount path (letters, digits, -, _ and /), not sys or auth", "use kafka-platform")
	}
}
