package reset

import (
	"context"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

func TestResetDiscardsChanges(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	cfg, _ := env.Factory.Config()
	ctx := context.Background()
	sb, err := sandbox.OpenForConfig(ctx, cfg.Dir())
	if err != nil {
		t.Fatal(err)
	}
	_ = sb.Do(ctx, func(s *emulator.Server) error {
		return s.Update(func(st *emulator.State) error { st.HomeTenant().DisplayName = "changed"; return nil })
	})
	if err := cmdtest.Execute(NewCmdReset(env.Factory, nil), ""); err != nil {
		t.Fatal(err)
	}
	sb, _ = sandbox.OpenForConfig(ctx, cfg.Dir())
	st, _ := sb.Server.Snapshot()
	if st.HomeTenant().DisplayName != "Contoso" {
		t.Fatalf("tenant = %q after reset", st.HomeTenant().DisplayName)
	}
}
