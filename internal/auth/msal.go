package auth

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// DefaultClientID is Microsoft's "Microsoft Graph Command Line Tools"
// public client, which exists in every tenant that has used Graph
// PowerShell and which admins already recognise on consent screens. Bring
// your own with --client-id or the client-id config key: a single-tenant
// public client app with "Allow public client flows" on and the mobile and
// desktop redirect URI http://localhost.
const DefaultClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// publicClient is the part of MSAL's public.Client teamsctl uses; the
// narrow seam keeps the sign-in logic independent of MSAL's concrete type.
type publicClient interface {
	Accounts(ctx context.Context) ([]public.Account, error)
	AcquireTokenSilent(ctx context.Context, scopes []string, opts ...public.AcquireSilentOption) (public.AuthResult, error)
	AcquireTokenInteractive(ctx context.Context, scopes []string, opts ...public.AcquireInteractiveOption) (public.AuthResult, error)
	AcquireTokenByDeviceCode(ctx context.Context, scopes []string, opts ...public.AcquireByDeviceCodeOption) (public.DeviceCode, error)
}

// confidentialClient is the part of MSAL's confidential.Client teamsctl
// uses. AcquireTokenByCredential reads the app token cache first.
type confidentialClient interface {
	AcquireTokenByCredential(ctx context.Context, scopes []string, opts ...confidential.AcquireByCredentialOption) (confidential.AuthResult, error)
}

// newPublicClient builds an MSAL public client for clientID at authority
// with the profile's token cache.
func (a *Authenticator) newPublicClient(clientID, tenant string) (publicClient, error) {
	c, err := public.New(clientID,
		public.WithAuthority(a.endpoints.Authority(tenant)),
		public.WithHTTPClient(a.httpClient),
		public.WithCache(a.tokenCache(a.files.tokens())),
		public.WithInstanceDiscovery(a.endpoints.IsMicrosoftLogin()),
	)
	if err != nil {
		return nil, fmt.Errorf("setting up sign-in: %w", err)
	}
	return c, nil
}

// newConfidentialClient builds an MSAL confidential client for a service
// principal with the token cache at cachePath.
func (a *Authenticator) newConfidentialClient(clientID, tenant string, cred confidential.Credential, cachePath string) (confidentialClient, error) {
	c, err := confidential.New(a.endpoints.Authority(tenant), clientID, cred,
		confidential.WithHTTPClient(a.httpClient),
		confidential.WithCache(a.tokenCache(cachePath)),
		confidential.WithInstanceDiscovery(a.endpoints.IsMicrosoftLogin()),
	)
	if err != nil {
		return nil, fmt.Errorf("setting up sign-in: %w", err)
	}
	return c, nil
}

// certificateCredential reads a PEM file holding the certificate and its
// private key (PKCS#1, PKCS#8, or encrypted with password). PFX/PKCS#12 is
// not supported: convert it with
// `openssl pkcs12 -in cert.pfx -out cert.pem -nodes`.
func certificateCredential(path, password string) (confidential.Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return confidential.Credential{}, fmt.Errorf("reading the certificate: %w", err)
	}
	certs, key, err := confidential.CertFromPEM(data, password)
	if err != nil {
		return confidential.Credential{}, fmt.Errorf("certificate %s: %w (teamsctl needs a PEM file with the certificate and its private key; "+
			"convert a .pfx with: openssl pkcs12 -in cert.pfx -out cert.pem -nodes)", path, err)
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return confidential.Credential{}, fmt.Errorf("certificate %s: %w", path, err)
	}
	return cred, nil
}

// errNoCredential is the credential of a service principal whose secret
// is not available in this invocation. MSAL asks for it only when the
// cached token has expired, so cached tokens keep working without it.
var errNoCredential = errors.New("no credential")

func deferredCredential() confidential.Credential {
	return confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
		return "", errNoCredential
	})
}
