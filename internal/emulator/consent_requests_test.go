package emulator

import (
	"net/url"
	"testing"
)

// A user who may not consent, signing in with the admin consent workflow
// on, gets AADSTS90095 and files one request (a second sign-in adds none);
// with the workflow off, 90094 files nothing.
func TestConsentRequestFiledOn90095(t *testing.T) {
	env := newLoginEnv(t, Options{})
	scope := "https://graph.microsoft.com/Calendars.ReadWrite"
	status, body := env.deviceCodeAs(contosoID, GraphCommandLineToolsAppID, scope, ritaUPN)
	if status != 400 || !containsCode(body, "AADSTS90094") {
		t.Fatalf("workflow off: %d %v", status, body)
	}
	env.update(func(_ *State, tn *Tenant) {
		if len(tn.AppConsentRequests) != 0 {
			t.Fatalf("a request without the workflow: %+v", tn.AppConsentRequests)
		}
		tn.AdminConsentRequestPolicy.IsEnabled = true
	})
	for range 2 {
		status, body = env.deviceCodeAs(contosoID, GraphCommandLineToolsAppID, scope, ritaUPN)
		if status != 400 || !containsCode(body, "AADSTS90095") {
			t.Fatalf("workflow on: %d %v", status, body)
		}
	}
	env.update(func(_ *State, tn *Tenant) {
		if len(tn.AppConsentRequests) != 1 || len(tn.AppConsentRequests[0].UserRequests) != 1 {
			t.Fatalf("requests: %+v", tn.AppConsentRequests)
		}
		r := tn.AppConsentRequests[0]
		u := r.UserRequests[0]
		if r.AppID != GraphCommandLineToolsAppID || u.UserPrincipalName != ritaUPN || u.Status != ConsentRequestInProgress ||
			u.Stage.ReviewResult != ReviewNotReviewed || !containsFold(r.pendingScopes(), "Calendars.ReadWrite") {
			t.Errorf("request: %+v %+v", r, u)
		}
	})
}

func containsCode(body map[string]any, code string) bool {
	d, _ := body["error_description"].(string)
	return len(d) >= len(code) && d[:len(code)] == code
}

// The appConsent routes: list with the documented any() filter, a user's
// request and its stage; a decision is recorded once (409 after), takes
// Approve or Deny only, needs ConsentRequest.ReadWrite.All and a reviewer
// role, and completes the user's request.
func TestConsentRequestRoutes(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	var reqID, userReqID, stageID string
	g.tenant(func(tn *Tenant) {
		reqID, userReqID, stageID = "7322e5f3-0f15-4eb8-9e82-2029e8622f5d", "acef2660-d194-4943-b927-4fe4fb5cb7e3", "f5a4ca4a-1316-4872-8112-993c55dab51e"
		tn.AppConsentRequests = append(tn.AppConsentRequests, &AppConsentRequest{ID: reqID, AppID: ebmsAppID, AppDisplayName: "EBMS",
			UserRequests: []*UserConsentRequest{{ID: userReqID, Status: ConsentRequestInProgress, UserID: tn.UserByIDOrUPN(upnRita).ID,
				UserPrincipalName: upnRita, Scopes: []string{"User.Read", "Calendars.ReadWrite"},
				Stage: ApprovalStage{ID: stageID, Status: ConsentRequestInProgress, ReviewResult: ReviewNotReviewed}}}})
	})
	reader := g.token(upnAdmin, "ConsentRequest.Read.All")
	writer := g.token(upnAdmin, "ConsentRequest.ReadWrite.All")
	base := "/v1.0/identityGovernance/appConsent/appConsentRequests"
	inProgress := "?$filter=" + url.QueryEscape("userConsentRequests/any(u:u/status eq 'InProgress')")
	list := g.must(200, g.do("GET", base+inProgress, reader, nil)).values()
	if len(list) != 1 || list[0]["appId"] != ebmsAppID || len(list[0]["pendingScopes"].([]any)) != 2 || list[0]["userConsentRequests"] != nil {
		t.Fatalf("list: %v", list)
	}
	users := g.must(200, g.do("GET", base+"/"+reqID+"/userConsentRequests?$filter=status eq 'InProgress'", reader, nil)).values()
	if len(users) != 1 || users[0]["createdBy"].(map[string]any)["user"].(map[string]any)["userPrincipalName"] != upnRita {
		t.Fatalf("user requests: %v", users)
	}
	stages := g.must(200, g.do("GET", base+"/"+reqID+"/userConsentRequests/"+userReqID+"/approval/stages", reader, nil)).values()
	if len(stages) != 1 || stages[0]["id"] != stageID || stages[0]["reviewResult"] != ReviewNotReviewed {
		t.Fatalf("stages: %v", stages)
	}
	stage := base + "/" + reqID + "/userConsentRequests/" + userReqID + "/approval/stages/" + stageID
	g.must(403, g.do("PATCH", stage, reader, map[string]any{"reviewResult": "Approve"}))
	g.must(403, g.do("PATCH", stage, g.token(upnRita, "ConsentRequest.ReadWrite.All"), map[string]any{"reviewResult": "Approve"}))
	g.must(400, g.do("PATCH", stage, writer, map[string]any{"reviewResult": "Approved"}))
	g.must(204, g.do("PATCH", stage, writer, map[string]any{"reviewResult": "Deny", "justification": "not needed"}))
	g.must(409, g.do("PATCH", stage, writer, map[string]any{"reviewResult": "Approve"}))
	got := g.must(200, g.do("GET", base+"/"+reqID+"/userConsentRequests/"+userReqID+"/approval/stages", reader, nil)).values()[0]
	if got["reviewResult"] != ReviewDeny || got["justification"] != "not needed" || got["status"] != ConsentRequestCompleted || got["reviewedBy"] == nil {
		t.Errorf("decided stage: %v", got)
	}
	if list := g.must(200, g.do("GET", base+inProgress, reader, nil)).values(); len(list) != 0 {
		t.Errorf("still in progress: %v", list)
	}
}
