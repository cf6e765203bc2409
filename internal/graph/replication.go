package graph

import (
	"errors"
	"net/http"
	"strings"
)

// replicationMessages are the texts Graph answers with while a just-created
// object has not reached the replica serving the request (graph.md §10).
var replicationMessages = []string{
	"does not reference a valid application object", // SP create right after app create
	"noBackingApplicationObject",
	"must in the local tenant", // sic: SP create with Application.ReadWrite.OwnedBy
	"does not exist",           // grant/assignment naming a new SP
	"not a valid reference update",
	"does not exist in the directory",
}

// IsReplicationError reports whether err is one of the errors Entra gives
// while a just-written object replicates: worth retrying with backoff when
// the caller knows it created the object moments ago.
func IsReplicationError(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.Status == http.StatusNotFound {
		return true
	}
	if apiErr.Status != http.StatusBadRequest && apiErr.Status != http.StatusForbidden {
		return false
	}
	msg := strings.ToLower(apiErr.Message + " " + apiErr.Code)
	for _, m := range replicationMessages {
		if strings.Contains(msg, strings.ToLower(m)) {
			return true
		}
	}
	return false
}

// IsAlreadyExists reports whether err says the object being created exists
// already: a 409 Request_MultipleObjectsWithSameKeyValue, or the 400 texts
// Graph uses for duplicate grants and app role assignments.
func IsAlreadyExists(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.Status == http.StatusConflict {
		return true
	}
	msg := strings.ToLower(apiErr.Message)
	return apiErr.Status == http.StatusBadRequest &&
		(strings.Contains(msg, "already exists") || strings.Contains(msg, "already in use"))
}

// IsNotFound reports whether err is a 404.
func IsNotFound(err error) bool {
	var nf *NotFound
	if errors.As(err, &nf) {
		return true
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}
