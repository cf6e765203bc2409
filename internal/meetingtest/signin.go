package meetingtest

import (
	"context"
	"fmt"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Scopes are the delegated permissions a user sign-in asks for to create
// kind.
func Scopes(kind Kind) auth.Scopes {
	switch kind {
	case KindOnlineMeeting:
		return auth.Scopes{"User.Read", "OnlineMeetings.ReadWrite"}
	case KindEvent:
		return auth.Scopes{"User.Read", "Calendars.ReadWrite"}
	}
	return auth.Scopes{"User.Read", "OnlineMeetings.ReadWrite", "Calendars.ReadWrite"}
}

// SignIn is the token step as a Tester runs it: sign in as in describes
// (a user flow asks for Scopes(kind)), then Graph on that token.
func SignIn(a *auth.Authenticator, graphWithToken func(func(context.Context) (auth.Token, error)) (graph.Client, error),
	in auth.AppSignIn, kind Kind) func(context.Context) (*Session, error) {
	return func(ctx context.Context) (*Session, error) {
		if in.Flow == auth.AppFlowDeviceCode || in.Flow == auth.AppFlowBrowser {
			in.Scopes = Scopes(kind)
		}
		tok, err := a.SignInApp(ctx, in)
		if err != nil {
			return nil, err
		}
		g, err := graphWithToken(func(context.Context) (auth.Token, error) { return tok.Token, nil })
		if err != nil {
			return nil, err
		}
		s := &Session{AppID: in.ClientID, Graph: g}
		if tok.Claims != nil {
			s.Account, s.AppID, s.Permissions = tok.Claims.Account(), tok.Claims.AppID, tok.Claims.Permissions()
		}
		return s, nil
	}
}

// OwnSignIn switches in to teamsctl's own client (clientID, or the
// default one) with a device code: the user side only, for a test without
// an app or of a vendor-hosted app teamsctl cannot sign in as. It returns
// the notes that say what the test then shows and what it does not.
func OwnSignIn(in *auth.AppSignIn, clientID, vendorApp string) []string {
	in.ClientID, in.Flow = clientID, auth.AppFlowDeviceCode
	if in.ClientID == "" {
		in.ClientID = auth.DefaultClientID
	}
	in.Secret, in.CertificatePath = "", ""
	what := "No APP was given"
	if vendorApp != "" {
		what = fmt.Sprintf("%s is hosted by its vendor, so teamsctl cannot sign in as it", vendorApp)
	}
	return []string{what + ": the user signed in with teamsctl's own client. This shows whether the user can create Teams meetings and calendar events at all (Teams licence, mailbox); the app's own consent path (consent, user assignment, Conditional Access for the app) was not exercised.",
		"doctor covers the app's side: its consent, assignment and Conditional Access checks for the app and this user (teamsctl doctor APP --user UPN)."}
}
