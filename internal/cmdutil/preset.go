package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/presets"
)

// PresetFlags are --preset, --preset-file and (for commands that register
// redirect URIs) --instance, shared by the commands a vendor preset fills.
type PresetFlags struct {
	Name     string
	File     string
	Instance string
}

// AddPresetFlags adds --preset and --preset-file to cmd; fills says what
// the preset fills, for the help. withInstance adds --instance too.
func AddPresetFlags(cmd *cobra.Command, p *PresetFlags, fills string, withInstance bool) {
	fs := cmd.Flags()
	fs.StringVar(&p.Name, "preset", "", "Fill "+fills+" from this vendor preset ('teamsctl presets list'); flags given explicitly win")
	fs.StringVar(&p.File, "preset-file", "", "Like --preset, from your organisation's preset file (docs/presets.md)")
	if withInstance {
		fs.StringVar(&p.Instance, "instance", "", "Your vendor instance URL, filling {instance} in the preset's redirect URIs")
	}
}

// Load returns the preset the flags name, or nil when neither --preset
// nor --preset-file is given. Every error is a usage error (exit 2) with
// its own hint: the list of presets, or the field of the preset file.
func (p *PresetFlags) Load() (*presets.Preset, error) {
	if p.Name == "" && p.File == "" {
		if p.Instance != "" {
			return nil, FlagErrorf("--instance needs --preset or --preset-file")
		}
		return nil, nil
	}
	pre, err := presets.Lookup(p.Name, p.File)
	if err != nil {
		return nil, &FlagError{Err: err, HintText: HintFor(err)}
	}
	return pre, nil
}

// RedirectURIs are the preset's redirect URIs on --instance (or the
// preset's default instance).
func (p *PresetFlags) RedirectURIs(pre *presets.Preset) ([]string, error) {
	uris, err := pre.RedirectURIsFor(p.Instance)
	var ie *presets.InstanceError
	switch {
	case errors.As(err, &ie):
		return nil, FlagErrorWithHint(err, "Give the address of your instance only; the preset adds the path: --instance "+instanceExample(pre))
	case err != nil:
		return nil, FlagErrorWithHint(err, "Pass --instance URL, e.g. --instance "+instanceExample(pre))
	}
	return uris, nil
}

func instanceExample(pre *presets.Preset) string {
	if pre.Instance != nil && pre.Instance.Example != "" {
		return pre.Instance.Example
	}
	return "https://acme.example.com"
}

// PresetApp is the app a preset names: the vendor's appId, else the
// display name of the app registered for it. A vendor-hosted preset that
// does not publish its appId names none: the user must give APP.
func PresetApp(pre *presets.Preset) (string, error) {
	if pre.AppID != "" {
		return pre.AppID, nil
	}
	if pre.AppName != "" {
		return pre.AppName, nil
	}
	return "", FlagErrorf("preset %s has no appId: give the APP (the vendor's appId)", pre.Name)
}
