package emulator

import (
	"bytes"
	"encoding/json"
)

// Keys of the state JSON that hold secrets: never dumped in clear, since
// dumps end up in test output and bug reports.
var secretKeys = map[string]bool{
	"secretText": true, "token": true, "code": true, "deviceCode": true, "codeChallenge": true, "password": true,
}

// Keys whose values change from run to run even with a fixed seed and
// clock (random codes, and timestamps of things the clock decides).
var volatileKeys = map[string]bool{
	"userCode": true, "expiresAt": true, "visibleAt": true, "until": true, "createdDateTime": true,
	"startDateTime": true, "endDateTime": true, "creationDateTime": true, "hint": true, "keyId": true,
	"addedDateTime": true,
}

// Dump returns the state as indented JSON without the signing key and with
// secrets (client secrets, refresh tokens, codes) replaced by "<redacted>".
// With maskVolatile, values that differ between otherwise identical runs
// (user codes, timestamps, key ids) become "<volatile>", so two dumps can
// be compared; generated object ids are deterministic and kept.
func (s *Server) Dump(maskVolatile bool) ([]byte, error) {
	raw, err := s.MarshalState()
	if err != nil {
		return nil, err
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	delete(tree, "signingKey")
	maskTree(tree, maskVolatile)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep "<redacted>" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// StableDump is Dump(true): the state for golden-file comparison.
func (s *Server) StableDump() ([]byte, error) { return s.Dump(true) }

func maskTree(v any, maskVolatile bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			str, isString := e.(string)
			switch {
			case secretKeys[k] && isString && str != "":
				t[k] = "<redacted>"
			case maskVolatile && volatileKeys[k] && e != nil && e != "":
				t[k] = "<volatile>"
			case maskVolatile && k == "id" && isSignInID(t):
				t[k] = "<volatile>"
			default:
				maskTree(e, maskVolatile)
			}
		}
	case []any:
		for _, e := range t {
			maskTree(e, maskVolatile)
		}
	}
}

// isSignInID: sign-in entries take ids from the shared sequence in the
// order of concurrent requests, so their ids are not stable.
func isSignInID(entry map[string]any) bool {
	_, ok := entry["conditionalAccessStatus"]
	return ok
}
