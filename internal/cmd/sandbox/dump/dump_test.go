package dump

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

func TestDumpMasksSecrets(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	cfg, _ := env.Factory.Config()
	sb, err := sandbox.OpenForConfig(context.Background(), cfg.Dir())
	if err != nil {
		t.Fatal(err)
	}
	err = sb.Do(context.Background(), func(s *emulator.Server) error {
		return s.Update(func(st *emulator.State) error {
			t := st.HomeTenant()
			t.Applications = append(t.Applications, &emulator.Application{ID: "a", AppID: "b", DisplayName: "x",
				PasswordCredentials: []*emulator.PasswordCredential{{KeyID: "k", SecretText: "s3cr3t-value"}}})
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cmdtest.Execute(NewCmdDump(env.Factory, nil), ""); err != nil {
		t.Fatal(err)
	}
	var st emulator.State
	if err := json.Unmarshal(env.Out.Bytes(), &st); err != nil {
		t.Fatalf("dump is not state JSON: %v", err)
	}
	if st.SigningKey != "" || st.HomeTenant().Applications[0].PasswordCredentials[0].SecretText != "<redacted>" {
		t.Fatal("dump leaks the signing key or a secret")
	}
}
