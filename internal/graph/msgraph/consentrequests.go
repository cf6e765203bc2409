package msgraph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/identitygovernance"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// The admin consent workflow's requests (graph.ConsentRequests), as the
// appConsent pages of Graph's reference document them.

func (c *Client) appConsentRequests() *identitygovernance.AppConsentAppConsentRequestsRequestBuilder {
	return c.sdk.IdentityGovernance().AppConsent().AppConsentRequests()
}

// AppConsentRequests lists the apps users asked consent for, with the
// filter "List appConsentRequests" documents for requests in progress.
func (c *Client) AppConsentRequests(ctx context.Context, inProgress bool) ([]graph.AppConsentRequest, error) {
	q := &identitygovernance.AppConsentAppConsentRequestsRequestBuilderGetQueryParameters{}
	if inProgress {
		f := "userConsentRequests/any(u:u/status eq 'InProgress')"
		q.Filter = &f
	}
	cfg := &identitygovernance.AppConsentAppConsentRequestsRequestBuilderGetRequestConfiguration{QueryParameters: q}
	return allPages(ctx, func(ctx context.Context, next string) (models.AppConsentRequestCollectionResponseable, error) {
		if next != "" {
			return c.appConsentRequests().WithUrl(next).Get(ctx, nil)
		}
		return c.appConsentRequests().Get(ctx, cfg)
	}, func(r models.AppConsentRequestable) graph.AppConsentRequest {
		out := graph.AppConsentRequest{ID: deref(r.GetId()), AppID: deref(r.GetAppId()), AppDisplayName: deref(r.GetAppDisplayName()), PendingScopes: []string{}}
		for _, s := range items(r.GetPendingScopes()) {
			if v := deref(s.GetDisplayName()); v != "" {
				out.PendingScopes = append(out.PendingScopes, v)
			}
		}
		return out
	})
}

// UserConsentRequests lists the users' requests for an app.
func (c *Client) UserConsentRequests(ctx context.Context, requestID string, inProgress bool) ([]graph.UserConsentRequest, error) {
	q := &identitygovernance.AppConsentAppConsentRequestsItemUserConsentRequestsRequestBuilderGetQueryParameters{}
	if inProgress {
		f := "status eq 'InProgress'"
		q.Filter = &f
	}
	cfg := &identitygovernance.AppConsentAppConsentRequestsItemUserConsentRequestsRequestBuilderGetRequestConfiguration{QueryParameters: q}
	b := c.appConsentRequests().ByAppConsentRequestId(requestID).UserConsentRequests()
	return allPages(ctx, func(ctx context.Context, next string) (models.UserConsentRequestCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, func(u models.UserConsentRequestable) graph.UserConsentRequest {
		out := graph.UserConsentRequest{ID: deref(u.GetId()), Reason: deref(u.GetReason()), Status: deref(u.GetStatus()), CreatedDateTime: timeOf(u.GetCreatedDateTime())}
		if by := u.GetCreatedBy(); by != nil && by.GetUser() != nil {
			who := by.GetUser()
			out.UserID, out.UserDisplayName = deref(who.GetId()), deref(who.GetDisplayName())
			if upn, ok := who.GetAdditionalData()["userPrincipalName"].(*string); ok {
				out.UserPrincipalName = deref(upn)
			}
		}
		return out
	})
}

// ApprovalStages lists the stages of a user's request's approval.
func (c *Client) ApprovalStages(ctx context.Context, requestID, userRequestID string) ([]graph.ApprovalStage, error) {
	b := c.appConsentRequests().ByAppConsentRequestId(requestID).UserConsentRequests().ByUserConsentRequestId(userRequestID).Approval().Stages()
	return allPages(ctx, func(ctx context.Context, next string) (models.ApprovalStageCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, nil)
	}, func(s models.ApprovalStageable) graph.ApprovalStage {
		out := graph.ApprovalStage{ID: deref(s.GetId()), Status: deref(s.GetStatus()), ReviewResult: deref(s.GetReviewResult()),
			Justification: deref(s.GetJustification()), ReviewedDateTime: timeOf(s.GetReviewedDateTime())}
		if by := s.GetReviewedBy(); by != nil {
			out.ReviewedBy = deref(by.GetDisplayName())
		}
		return out
	})
}

// ReviewApprovalStage records a decision ("Update approvalStage":
// reviewResult and justification, answered with 204 No Content).
func (c *Client) ReviewApprovalStage(ctx context.Context, requestID, userRequestID, stageID, result, justification string) error {
	body := models.NewApprovalStage()
	body.SetReviewResult(&result)
	body.SetJustification(&justification)
	return send(ctx, func(ctx context.Context) error {
		_, err := c.appConsentRequests().ByAppConsentRequestId(requestID).UserConsentRequests().ByUserConsentRequestId(userRequestID).
			Approval().Stages().ByApprovalStageId(stageID).Patch(ctx, body, nil)
		return err
	})
}
