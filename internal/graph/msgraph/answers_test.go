package msgraph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// hostileClient is a Client whose every request h answers, over TLS;
// retries do not wait.
func hostileClient(t *testing.T, h http.HandlerFunc) (*Client, *httptest.Server) {
	t.Helper()
	return hostileClientWith(t, h, func(*retry.Policy) {})
}

// hostileClientWith is hostileClient with the retry policy adjusted.
func hostileClientWith(t *testing.T, h http.HandlerFunc, adjust func(*retry.Policy)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	endpoints, err := auth.ResolveEndpoints(auth.EndpointOptions{LoginURL: srv.URL, GraphURL: srv.URL + "/v1.0"})
	if err != nil {
		t.Fatal(err)
	}
	policy := retry.Default()
	policy.Sleep = func(context.Context, time.Duration) error { return nil }
	adjust(&policy)
	c, err := New(Options{Endpoints: endpoints, HTTPClient: srv.Client(), Version: "test", Retry: policy,
		Tokens: func(context.Context, auth.Scopes) (auth.Token, error) { return auth.Token{Value: "t"}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// entityCalls are wrappers of requests Graph answers with an entity or a
// collection page, each with the path it requests.
var entityCalls = []struct {
	path string
	call func(ctx context.Context, c *Client) error
}{
	{"/v1.0/policies/authorizationPolicy", func(ctx context.Context, c *Client) error { _, err := c.AuthorizationPolicy(ctx); return err }},
	{"/v1.0/policies/adminConsentRequestPolicy", func(ctx context.Context, c *Client) error { _, err := c.AdminConsentRequestPolicy(ctx); return err }},
	{"/v1.0/policies/defaultAppManagementPolicy", func(ctx context.Context, c *Client) error { _, err := c.DefaultAppManagementPolicy(ctx); return err }},
	{"/v1.0/applications", func(ctx context.Context, c *Client) error {
		_, _, err := c.ListApplications(ctx, graph.ApplicationQuery{})
		return err
	}},
	{"/v1.0/applications", func(ctx context.Context, c *Client) error { _, err := c.ApplicationsByName(ctx, "x"); return err }},
	{"/v1.0/applications", func(ctx context.Context, c *Client) error {
		_, err := c.ApplicationByAppID(ctx, "00000003-0000-0000-c000-000000000000")
		return err
	}},
	{"/v1.0/applications(uniqueName='x')", func(ctx context.Context, c *Client) error { _, err := c.ApplicationByUniqueName(ctx, "x"); return err }},
	{"/v1.0/applications/o1", func(ctx context.Context, c *Client) error { _, err := c.Application(ctx, "o1"); return err }},
	{"/v1.0/applications/o1/addPassword", func(ctx context.Context, c *Client) error {
		_, err := c.AddPassword(ctx, "o1", graph.PasswordCreate{DisplayName: "x"})
		return err
	}},
	{"/v1.0/servicePrincipals", func(ctx context.Context, c *Client) error { _, err := c.ServicePrincipalByAppID(ctx, "a"); return err }},
	{"/v1.0/servicePrincipals", func(ctx context.Context, c *Client) error { _, err := c.ServicePrincipalsByName(ctx, "a"); return err }},
	{"/v1.0/servicePrincipals/s1", func(ctx context.Context, c *Client) error { _, err := c.ServicePrincipal(ctx, "s1"); return err }},
	{"/v1.0/oauth2PermissionGrants", func(ctx context.Context, c *Client) error { _, err := c.DelegatedGrants(ctx, "c", ""); return err }},
	{"/v1.0/oauth2PermissionGrants", func(ctx context.Context, c *Client) error {
		_, err := c.CreateDelegatedGrant(ctx, graph.DelegatedGrant{ClientID: "c", ResourceID: "r", ConsentType: "AllPrincipals", Scope: "User.Read"})
		return err
	}},
	{"/v1.0/servicePrincipals/s1/appRoleAssignedTo", func(ctx context.Context, c *Client) error { _, err := c.AppRoleAssignedTo(ctx, "s1"); return err }},
	{"/v1.0/users/u1", func(ctx context.Context, c *Client) error { _, err := c.UserByID(ctx, "u1"); return err }},
	{"/v1.0/groups", func(ctx context.Context, c *Client) error { _, err := c.GroupsByName(ctx, "g"); return err }},
	{"/v1.0/me", func(ctx context.Context, c *Client) error { _, err := c.Me(ctx); return err }},
	{"/v1.0/organization", func(ctx context.Context, c *Client) error { _, err := c.Organization(ctx); return err }},
	{"/v1.0/me/transitiveMemberOf", func(ctx context.Context, c *Client) error { _, err := c.MyDirectoryRoles(ctx); return err }},
	{"/v1.0/identity/conditionalAccess/policies", func(ctx context.Context, c *Client) error { _, err := c.ConditionalAccessPolicies(ctx); return err }},
	{"/v1.0/auditLogs/signIns", func(ctx context.Context, c *Client) error { _, err := c.SignIns(ctx, graph.SignInQuery{}); return err }},
	{"/v1.0/users/u1/licenseDetails", func(ctx context.Context, c *Client) error { _, err := c.LicenseDetails(ctx, "u1"); return err }},
	{"/v1.0/users/u1/transitiveMemberOf", func(ctx context.Context, c *Client) error { _, err := c.TransitiveMemberships(ctx, "u1"); return err }},
	{"/v1.0/users/u1/onlineMeetings/m1", func(ctx context.Context, c *Client) error { _, err := c.OnlineMeeting(ctx, "u1", "m1"); return err }},
	{"/v1.0/users/u1/events", func(ctx context.Context, c *Client) error {
		_, err := c.CreateEvent(ctx, "u1", graph.EventCreate{Subject: "s", Start: time.Now(), End: time.Now()})
		return err
	}},
}

// TestNoEntityIsAnErrorNamingTheRequest: where Graph answers with an
// entity, an empty 200, a 204, a JSON null or a redirect that never ends
// is an UnexpectedAnswerError naming the request and the status, not a
// nil result for the caller to dereference.
func TestNoEntityIsAnErrorNamingTheRequest(t *testing.T) {
	answers := map[string]struct {
		h    http.HandlerFunc
		want string
	}{
		"200 empty": {func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }, "answered 200 OK: no entity"},
		"204":       {func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, "answered 204 No Content: no entity"},
		"null": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("null"))
		}, "no entity where Microsoft Graph returns one"},
		"redirect loop": {func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}, "still redirected after 5 redirects"},
	}
	for name, a := range answers {
		c, srv := hostileClient(t, a.h)
		for _, ec := range entityCalls {
			err := ec.call(context.Background(), c)
			var ua *graph.UnexpectedAnswerError
			if !errors.As(err, &ua) || !strings.Contains(err.Error(), a.want) || !strings.Contains(err.Error(), srv.URL+ec.path+":") {
				t.Errorf("%s, %s: got %v, want an UnexpectedAnswerError naming the request and %q", name, ec.path, err, a.want)
			}
		}
	}
}

// TestNotGraphsAnswerSaysSo: an HTML page from a gateway is reported with
// its status as not Graph's answer, not as a missing parser factory.
func TestNotGraphsAnswerSaysSo(t *testing.T) {
	for _, status := range []int{http.StatusBadGateway, http.StatusOK, http.StatusForbidden} {
		c, srv := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("<html><body>Bad gateway</body></html>"))
		})
		_, err := c.Me(context.Background())
		want := fmt.Sprintf("%s/v1.0/me: answered %d %s", srv.URL, status, http.StatusText(status))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "not an answer from Microsoft Graph") ||
			strings.Contains(err.Error(), "factory") {
			t.Errorf("%d text/html: got %v, want %q and that it is not Graph's answer", status, err, want)
		}
	}
}

// TestNullItemsAreErrorsNotPanics: a collection with a null item, or a
// nested collection with one, never reaches a conversion as nil.
func TestNullItemsAreErrorsNotPanics(t *testing.T) {
	c, _ := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[null]}`))
	})
	_, _, err := c.ListApplications(context.Background(), graph.ApplicationQuery{})
	if err == nil || !strings.Contains(err.Error(), "null item") {
		t.Errorf("[null]: got %v", err)
	}
	c, _ = hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"o1","requiredResourceAccess":[null,{"resourceAppId":"r","resourceAccess":[null]}],"passwordCredentials":[null],"keyCredentials":[null]}`))
	})
	app, err := c.Application(context.Background(), "o1")
	if err != nil || len(app.RequiredResourceAccess) != 1 || len(app.PasswordCredentials) != 0 {
		t.Errorf("nested nulls: got %+v, %v", app, err)
	}
}

// TestSelfNextLinkStops: a page whose @odata.nextLink points to itself
// ends the walk with an error after one repeat, and a walk that never
// repeats a link ends at the page cap.
func TestSelfNextLinkStops(t *testing.T) {
	requests := 0
	c, srv := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[],"@odata.nextLink":"https://` + r.Host + `/v1.0/applications?$skiptoken=same"}`))
	})
	_, err := c.ApplicationsByName(context.Background(), "x")
	var pe *graph.PagingError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "already read") || !strings.Contains(err.Error(), srv.URL+"/v1.0/applications:") {
		t.Errorf("self link: got %v", err)
	}
	if requests != 2 {
		t.Errorf("self link: %d requests, want 2", requests)
	}
	requests = 0
	c, _ = hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[],"@odata.nextLink":"https://` + r.Host + `/v1.0/applications?$skiptoken=` + time.Now().Format(time.RFC3339Nano) + `"}`))
	})
	_, err = c.ApplicationsByName(context.Background(), "x")
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "stopped after 1000 pages") || requests != maxPages {
		t.Errorf("endless links: %d requests, %v", requests, err)
	}
}

// TestSendRejectsEndlessRedirects: a PATCH or DELETE whose answer is
// never read still fails when the redirects do not end.
func TestSendRejectsEndlessRedirects(t *testing.T) {
	c, _ := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.String(), http.StatusTemporaryRedirect)
	})
	if err := c.DeleteApplication(context.Background(), "o1"); err == nil || !strings.Contains(err.Error(), "still redirected") {
		t.Errorf("got %v", err)
	}
	c, _ = hostileClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	if err := c.DeleteApplication(context.Background(), "o1"); err != nil {
		t.Errorf("204 to a DELETE: %v", err)
	}
}

// TestOddJSONIsNeverAPanic: JSON of the wrong shape where Graph sends an
// entity or a page is an error or an empty result, never a panic.
func TestOddJSONIsNeverAPanic(t *testing.T) {
	for _, body := range []string{"[]", "123", `"text"`, "true", " null ", `{"value":null}`, `{"value":{}}`, `{"value":[1,"x",[]]}`,
		`{"value":[{"id":null,"web":null,"requiredResourceAccess":null}]}`, `{"error":null}`} {
		for _, status := range []int{200, 201, 400, 500} {
			c, _ := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = w.Write([]byte(body))
			})
			for _, ec := range entityCalls {
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%d %s, %s: panic %v", status, body, ec.path, p)
						}
					}()
					_ = ec.call(context.Background(), c)
				}()
			}
		}
	}
}

// TestUpsertTells204FromNoAnswer: an upsert's 204 means the entity
// existed; an empty 200, a null body or endless redirects are errors.
func TestUpsertTells204FromNoAnswer(t *testing.T) {
	c, _ := hostileClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	if app, created, err := c.UpsertApplication(context.Background(), "u", graph.ApplicationCreate{DisplayName: "x"}); app != nil || created || err != nil {
		t.Errorf("204: %v %v %v, want it existed", app, created, err)
	}
	if sp, created, err := c.UpsertServicePrincipal(context.Background(), "a"); sp != nil || created || err != nil {
		t.Errorf("204: %v %v %v, want it existed", sp, created, err)
	}
	for name, h := range map[string]http.HandlerFunc{
		"200 empty": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) },
		"null": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("null"))
		},
		"redirect loop": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusPermanentRedirect)
		},
	} {
		c, _ := hostileClient(t, h)
		_, _, err := c.UpsertApplication(context.Background(), "u", graph.ApplicationCreate{DisplayName: "x"})
		var ua *graph.UnexpectedAnswerError
		if !errors.As(err, &ua) {
			t.Errorf("%s: application upsert: %v", name, err)
		}
		if _, _, err := c.UpsertServicePrincipal(context.Background(), "a"); !errors.As(err, &ua) {
			t.Errorf("%s: service principal upsert: %v", name, err)
		}
	}
}

// TestAlways503NamesStatusAndRequest: a server that always answers 503
// ends in an error naming the status and the request, whether the next
// wait would pass the deadline (the 503 itself is reported) or the
// deadline ends a wait.
func TestAlways503NamesStatusAndRequest(t *testing.T) {
	c, srv := hostileClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":{"code":"serviceNotAvailable","message":"busy"}}`))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Me(ctx)
	want := "Microsoft Graph: 503 serviceNotAvailable: busy (GET " + srv.URL + "/v1.0/me"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("wait past the deadline: got %v, want %q...", err, want)
	}

	c, srv = hostileClientWith(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}, func(p *retry.Policy) {
		p.Sleep = func(context.Context, time.Duration) error { return context.DeadlineExceeded }
	})
	_, err = c.Me(context.Background())
	want = "GET " + srv.URL + "/v1.0/me: answered 503 Service Unavailable to 1 attempt over 0s, then stopped: context deadline exceeded"
	if err == nil || err.Error() != want {
		t.Errorf("deadline during a wait: got %v, want %q", err, want)
	}
}
