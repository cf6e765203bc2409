package graph

import (
	"context"
	"time"
)

// ConsentRequests are the admin consent workflow's requests: users who may
// not consent ask the reviewers (Graph's identityGovernance/appConsent).
type ConsentRequests interface {
	// AppConsentRequests lists the apps users asked consent for;
	// inProgress keeps those with a user's request still in progress.
	AppConsentRequests(ctx context.Context, inProgress bool) ([]AppConsentRequest, error)
	// UserConsentRequests lists the users' requests for an app;
	// inProgress keeps those still in progress.
	UserConsentRequests(ctx context.Context, requestID string, inProgress bool) ([]UserConsentRequest, error)
	// ApprovalStages lists the stages of a user's request's approval.
	ApprovalStages(ctx context.Context, requestID, userRequestID string) ([]ApprovalStage, error)
	// ReviewApprovalStage records a reviewer's decision on a stage:
	// ReviewApprove or ReviewDeny, with a justification.
	ReviewApprovalStage(ctx context.Context, requestID, userRequestID, stageID, result, justification string) error
}

// Statuses of a user's consent request and review results of a stage.
const (
	ConsentRequestInProgress = "InProgress"
	ConsentRequestCompleted  = "Completed"
	ReviewApprove            = "Approve"
	ReviewDeny               = "Deny"
)

// AppConsentRequest is an app users asked an administrator to consent to.
type AppConsentRequest struct {
	ID             string   `json:"id"`
	AppID          string   `json:"appId"`
	AppDisplayName string   `json:"appDisplayName"`
	PendingScopes  []string `json:"pendingScopes"`
}

// UserConsentRequest is one user's request for an app.
type UserConsentRequest struct {
	ID                string    `json:"id"`
	Reason            string    `json:"reason,omitempty"`
	Status            string    `json:"status"`
	CreatedDateTime   time.Time `json:"createdDateTime,omitzero"`
	UserID            string    `json:"userId,omitempty"`
	UserDisplayName   string    `json:"userDisplayName,omitempty"`
	UserPrincipalName string    `json:"userPrincipalName,omitempty"`
}

// ApprovalStage is a reviewer's decision on a user's request.
type ApprovalStage struct {
	ID               string    `json:"id"`
	Status           string    `json:"status"`
	ReviewResult     string    `json:"reviewResult"`
	Justification    string    `json:"justification,omitempty"`
	ReviewedBy       string    `json:"reviewedBy,omitempty"`
	ReviewedDateTime time.Time `json:"reviewedDateTime,omitzero"`
}

// Decided reports whether the stage has a decision; Graph's pages name
// the results Approve/Deny and Approved/Denied.
func (s ApprovalStage) Decided() bool {
	switch s.ReviewResult {
	case "", "NotReviewed":
		return s.Status == ConsentRequestCompleted
	}
	return true
}

// Approved reports whether the decision was to approve.
func (s ApprovalStage) Approved() bool {
	return s.ReviewResult == ReviewApprove || s.ReviewResult == "Approved"
}
