package consent

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// PendingRequest is an app users asked an administrator to consent to,
// with the users' requests still in progress.
type PendingRequest struct {
	graph.AppConsentRequest
	Users []graph.UserConsentRequest `json:"users"`
}

// Pending lists the admin consent workflow's requests in progress: the
// apps (one request, filtered by Graph) and for each its users' requests
// (one request per app, sent together).
func Pending(ctx context.Context, g graph.ConsentRequests) ([]PendingRequest, error) {
	apps, err := g.AppConsentRequests(ctx, true)
	if err != nil {
		return nil, err
	}
	out := make([]PendingRequest, len(apps))
	errs := make([]error, len(apps))
	var wg sync.WaitGroup
	for i, a := range apps {
		out[i].AppConsentRequest = a
		wg.Go(func() {
			out[i].Users, errs[i] = g.UserConsentRequests(ctx, a.ID, true)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	kept := out[:0]
	for _, r := range out {
		if len(r.Users) > 0 { // decided between the two reads
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// FindRequest picks a request by its id, the app's appId or its display
// name (case-insensitive); more than one match is an error naming them.
func FindRequest(list []PendingRequest, ref string) (*PendingRequest, error) {
	var found []*PendingRequest
	for i, r := range list {
		if strings.EqualFold(r.ID, ref) || strings.EqualFold(r.AppID, ref) || strings.EqualFold(r.AppDisplayName, ref) {
			found = append(found, &list[i])
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	var ids []string
	for _, r := range found {
		ids = append(ids, r.ID+" ("+r.AppID+")")
	}
	return nil, fmt.Errorf("%q names %d requests: %s; give the request id", ref, len(found), strings.Join(ids, ", "))
}

// Decision is a decision recorded on one user's request.
type Decision struct {
	UserRequestID     string `json:"userRequestId"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	StageID           string `json:"stageId"`
	ReviewResult      string `json:"reviewResult"`
	// Already is set when the stage had this decision before (a re-run,
	// or another reviewer).
	Already bool `json:"already,omitempty"`
}

// DecidedOtherwiseError is a stage another reviewer decided the other way.
type DecidedOtherwiseError struct {
	App, User, Result, By string
}

func (e *DecidedOtherwiseError) Error() string {
	by := ""
	if e.By != "" {
		by = " by " + e.By
	}
	return fmt.Sprintf("%s's request for %s was already decided%s: %s", e.User, e.App, by, e.Result)
}

// Review records result (graph.ReviewApprove or graph.ReviewDeny) with a
// justification on the approval stage of every user's request of req
// that is still undecided. A stage already decided the same way counts as
// done, so a re-run after an interruption converges; one decided the
// other way is a *DecidedOtherwiseError, after the other stages were
// recorded. It returns the decisions recorded or found.
func Review(ctx context.Context, g graph.ConsentRequests, req *PendingRequest, result, justification string) ([]Decision, error) {
	out := []Decision{}
	var other error
	for _, u := range req.Users {
		stages, err := g.ApprovalStages(ctx, req.ID, u.ID)
		if err != nil {
			return out, err
		}
		for _, s := range stages {
			d := Decision{UserRequestID: u.ID, UserPrincipalName: u.UserPrincipalName, StageID: s.ID, ReviewResult: result}
			if !s.Decided() {
				err := g.ReviewApprovalStage(ctx, req.ID, u.ID, s.ID, result, justification)
				if err == nil {
					out = append(out, d)
					continue
				}
				if !graph.IsAlreadyExists(err) { // 409: decided meanwhile
					return out, err
				}
				if s, err = stageByID(ctx, g, req.ID, u.ID, s.ID); err != nil {
					return out, err
				}
			}
			if s.Approved() != (result == graph.ReviewApprove) {
				other = &DecidedOtherwiseError{App: req.AppDisplayName, User: userName(u), Result: s.ReviewResult, By: s.ReviewedBy}
				continue
			}
			d.Already = true
			out = append(out, d)
		}
	}
	return out, other
}

func stageByID(ctx context.Context, g graph.ConsentRequests, reqID, userReqID, stageID string) (graph.ApprovalStage, error) {
	stages, err := g.ApprovalStages(ctx, reqID, userReqID)
	if err != nil {
		return graph.ApprovalStage{}, err
	}
	for _, s := range stages {
		if strings.EqualFold(s.ID, stageID) {
			return s, nil
		}
	}
	return graph.ApprovalStage{}, fmt.Errorf("the approval stage %s of request %s is gone", stageID, userReqID)
}

func userName(u graph.UserConsentRequest) string {
	switch {
	case u.UserPrincipalName != "":
		return u.UserPrincipalName
	case u.UserDisplayName != "":
		return u.UserDisplayName
	}
	return u.UserID
}

// ApproveRequest grants what req asks for (scopes of resource, for all
// users, merged into the app's existing grant as consent grant does; the
// enterprise app is created first when the tenant has none) and then
// records the approval on every user's request. Interrupted anywhere, a
// re-run converges: the grant is then unchanged and only the undecided
// requests are recorded.
func (e *Engine) ApproveRequest(ctx context.Context, g graph.ConsentRequests, req *PendingRequest, resource *graph.ServicePrincipal,
	scopes []string, justification string) (*GrantResult, []Decision, error) {
	sp, _, err := e.EnsureServicePrincipal(ctx, req.AppID, req.AppDisplayName)
	if err != nil {
		return nil, nil, err
	}
	if sp.DisplayName == "" {
		sp.DisplayName = req.AppDisplayName
	}
	var gr *GrantResult
	if len(scopes) > 0 {
		if gr, err = e.GrantDelegated(ctx, DelegatedRequest{Client: sp, Resource: resource, Scopes: scopes}); err != nil {
			return nil, nil, err
		}
	}
	if e.DryRun {
		return gr, nil, nil
	}
	decisions, err := Review(ctx, g, req, graph.ReviewApprove, justification)
	return gr, decisions, err
}
