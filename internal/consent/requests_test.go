package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/graph"
)

var errKilled = errors.New("killed")

// requestsFake is a tenant with the admin consent workflow's requests,
// where the run dies at its n-th write or read: before Graph acted on it,
// or after (Graph acted, the run never heard).
type requestsFake struct {
	*fake
	app     graph.AppConsentRequest
	users   []graph.UserConsentRequest
	stages  map[string]*graph.ApprovalStage // by user request id
	n, hits int
	before  bool
}

func (f *requestsFake) step(apply func()) error {
	f.hits++
	if f.hits == f.n {
		if !f.before {
			apply()
		}
		return errKilled
	}
	apply()
	return nil
}

func (f *requestsFake) AppConsentRequests(context.Context, bool) ([]graph.AppConsentRequest, error) {
	var out []graph.AppConsentRequest
	err := f.step(func() {
		for _, u := range f.users {
			if u.Status == graph.ConsentRequestInProgress {
				out = []graph.AppConsentRequest{f.app}
			}
		}
	})
	return out, err
}

func (f *requestsFake) UserConsentRequests(context.Context, string, bool) ([]graph.UserConsentRequest, error) {
	var out []graph.UserConsentRequest
	err := f.step(func() {
		for _, u := range f.users {
			if u.Status == graph.ConsentRequestInProgress {
				out = append(out, u)
			}
		}
	})
	return out, err
}

func (f *requestsFake) ApprovalStages(_ context.Context, _, userReq string) ([]graph.ApprovalStage, error) {
	var out []graph.ApprovalStage
	err := f.step(func() { out = []graph.ApprovalStage{*f.stages[userReq]} })
	return out, err
}

func (f *requestsFake) ReviewApprovalStage(_ context.Context, _, userReq, _, result, justification string) error {
	var conflict bool
	err := f.step(func() {
		s := f.stages[userReq]
		if s.Status == graph.ConsentRequestCompleted {
			conflict = true
			return
		}
		s.Status, s.ReviewResult, s.Justification = graph.ConsentRequestCompleted, result, justification
		for i := range f.users {
			if f.users[i].ID == userReq {
				f.users[i].Status = graph.ConsentRequestCompleted
			}
		}
	})
	if err == nil && conflict {
		return &graph.APIError{Status: 409, Message: "The request has already been reviewed."}
	}
	return err
}

// The grant calls count as steps too.
func (f *requestsFake) UpsertServicePrincipal(ctx context.Context, appID string) (*graph.ServicePrincipal, bool, error) {
	var sp *graph.ServicePrincipal
	var created bool
	var ferr error
	err := f.step(func() { sp, created, ferr = f.fake.UpsertServicePrincipal(ctx, appID) })
	return sp, created, errors.Join(err, ferr)
}

func (f *requestsFake) CreateDelegatedGrant(ctx context.Context, g graph.DelegatedGrant) (*graph.DelegatedGrant, error) {
	var out *graph.DelegatedGrant
	var ferr error
	err := f.step(func() { out, ferr = f.fake.CreateDelegatedGrant(ctx, g) })
	return out, errors.Join(err, ferr)
}

func (f *requestsFake) UpdateDelegatedGrantScope(ctx context.Context, id, scope string) error {
	return errors.Join(f.step(func() { _ = f.fake.UpdateDelegatedGrantScope(ctx, id, scope) }))
}

const vendorAppID = "5e1b2c3d-4a5b-4c6d-8e7f-0a1b2c3d4e5f"

func newRequestsFake() *requestsFake {
	f := &requestsFake{fake: &fake{sps: map[string]*graph.ServicePrincipal{}, apps: map[string]bool{vendorAppID: true}}, stages: map[string]*graph.ApprovalStage{}}
	f.app = graph.AppConsentRequest{ID: "req-1", AppID: vendorAppID, AppDisplayName: "Vendor", PendingScopes: []string{"User.Read", "Calendars.ReadWrite"}}
	for i, upn := range []string{"rita@contoso.com", "rob@contoso.com"} {
		id := fmt.Sprintf("user-req-%d", i)
		f.users = append(f.users, graph.UserConsentRequest{ID: id, Status: graph.ConsentRequestInProgress, UserPrincipalName: upn})
		f.stages[id] = &graph.ApprovalStage{ID: "stage-" + id, Status: graph.ConsentRequestInProgress, ReviewResult: "NotReviewed"}
	}
	return f
}

// approveRun is `consent requests approve`: find the pending request,
// grant what it asks for, record the approvals.
func approveRun(f *requestsFake) ([]Decision, error) {
	ctx := context.Background()
	list, err := Pending(ctx, f)
	if err != nil {
		return nil, err
	}
	req, err := FindRequest(list, "Vendor")
	if err != nil || req == nil {
		return nil, errors.Join(err, errors.New("no pending request"))
	}
	e := &Engine{Graph: f}
	_, d, err := e.ApproveRequest(ctx, f, req, graphSP, req.PendingScopes, "checked")
	return d, err
}

// TestApproveInterruptedConverges kills an approval at each of its
// requests, before and after Graph acted, and re-runs it: the app ends
// with exactly the requested scopes granted once for all users, and every
// user's request approved; a third run finds nothing pending.
func TestApproveInterruptedConverges(t *testing.T) {
	clean := newRequestsFake()
	if _, err := approveRun(clean); err != nil {
		t.Fatal(err)
	}
	total := clean.hits
	for n := 1; n <= total; n++ {
		for _, before := range []bool{true, false} {
			f := newRequestsFake()
			f.n, f.before = n, before
			if _, err := approveRun(f); !errors.Is(err, errKilled) {
				t.Fatalf("request %d before %v: first run %v, want killed", n, before, err)
			}
			f.n = 0
			_, err := approveRun(f)
			if err != nil && !strings.Contains(err.Error(), "no pending request") {
				t.Fatalf("request %d before %v: re-run %v", n, before, err)
			}
			if len(f.grants) != 1 || f.grants[0].ConsentType != graph.ConsentAllPrincipals ||
				!slices.Equal(SplitScopes(f.grants[0].Scope), []string{"User.Read", "Calendars.ReadWrite"}) {
				t.Fatalf("request %d before %v: grants %+v", n, before, f.grants)
			}
			for id, s := range f.stages {
				if s.ReviewResult != graph.ReviewApprove || s.Justification != "checked" {
					t.Fatalf("request %d before %v: stage of %s: %+v", n, before, id, s)
				}
			}
			if _, err := approveRun(f); err == nil || !strings.Contains(err.Error(), "no pending request") {
				t.Fatalf("request %d before %v: third run %v", n, before, err)
			}
		}
	}
}

// A stage another reviewer denied is reported, not overwritten; the other
// user's stage is still recorded.
func TestReviewDecidedOtherwise(t *testing.T) {
	f := newRequestsFake()
	ctx := context.Background()
	list, err := Pending(ctx, f)
	if err != nil || len(list) != 1 || len(list[0].Users) != 2 {
		t.Fatalf("pending %+v %v", list, err)
	}
	*f.stages["user-req-0"] = graph.ApprovalStage{ID: "stage-user-req-0", Status: graph.ConsentRequestCompleted, ReviewResult: "Denied", ReviewedBy: "Adele"}
	d, err := Review(ctx, f, &list[0], graph.ReviewApprove, "ok")
	var other *DecidedOtherwiseError
	if !errors.As(err, &other) || other.By != "Adele" || len(d) != 1 || d[0].UserRequestID != "user-req-1" {
		t.Fatalf("decisions %+v, err %v", d, err)
	}
}
