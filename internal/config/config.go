// Package config resolves teamsctl's settings. It is the only package that
// imports viper, and it never uses viper's global instance.
//
// A setting comes from, strongest first: a global flag the user passed, a
// TEAMSCTL_* environment variable, the selected profile in config.yaml, and
// finally the key's default. The profile is chosen by --profile, then
// TEAMSCTL_PROFILE, then the file's current-profile, then "default".
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// DefaultProfile is used when nothing selects a profile.
const DefaultProfile = "default"

// Environment variables that locate and select the configuration.
const (
	EnvConfigDir = "TEAMSCTL_CONFIG_DIR"
	EnvProfile   = "TEAMSCTL_PROFILE"
)

// ProfileFlag is the global flag that selects a profile.
const ProfileFlag = "profile"

// Config holds the resolved settings for one invocation.
type Config struct {
	Profile string
	// ProfileSource says what selected the profile: SourceFlag, "env
	// TEAMSCTL_PROFILE", SourceCurrentProfile or SourceDefault.
	ProfileSource string

	Tenant   string
	Cloud    string
	Output   string
	LoginURL string
	GraphURL string
	CAFile   string
	ClientID string
	Sandbox  bool
	NoColor  bool
	// Timeout bounds the command (0: no limit).
	Timeout time.Duration

	dir      string
	file     *File
	settings []Setting
}

// Setting is one resolved key with where its value came from.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Sources a setting's value can come from. Environment sources are named
// by their variable, e.g. "env TEAMSCTL_TENANT".
const (
	SourceFlag    = "flag"
	SourceFile    = "file"
	SourceDefault = "default"
	// SourceCurrentProfile: the file's current-profile selected the profile.
	SourceCurrentProfile = "current-profile"
)

// Dir is the configuration directory. Later the token cache and the
// sandbox state live there too.
func (c *Config) Dir() string { return c.dir }

// File is the configuration file, for commands that edit it.
func (c *Config) File() *File { return c.file }

// Settings returns every key with its resolved value and source.
func (c *Config) Settings() []Setting {
	return append([]Setting(nil), c.settings...)
}

// Setting returns one resolved key. The error lists the valid keys.
func (c *Config) Setting(key string) (Setting, error) {
	for _, s := range c.settings {
		if s.Key == key {
			return s, nil
		}
	}
	return Setting{}, &UnknownKeyError{Name: key}
}

// LoadOptions say where to look. Getenv is injected so tests and embedders
// control the environment.
type LoadOptions struct {
	Getenv func(string) string
	// Flags are the global flags; those the user set beat every other
	// source. Flags named like a key (tenant, cloud, ...) are bound to it.
	Flags *pflag.FlagSet
}

// Dir returns the configuration directory: $TEAMSCTL_CONFIG_DIR, else
// teamsctl inside the OS user configuration directory.
func Dir(getenv func(string) string) (string, error) {
	if dir := getenv(EnvConfigDir); dir != "" {
		return dir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the configuration directory: %w; set %s", err, EnvConfigDir)
	}
	return filepath.Join(base, "teamsctl"), nil
}

// Load reads the file and resolves every setting.
func Load(opts LoadOptions) (*Config, error) {
	dir, err := Dir(opts.Getenv)
	if err != nil {
		return nil, err
	}
	file, err := ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	profile, profileSource, err := selectProfile(opts, file)
	if err != nil {
		return nil, err
	}
	env, err := envValues(opts.Getenv)
	if err != nil {
		return nil, err
	}
	fileValues := file.Values(profile)
	v, err := newViper(fileValues, env, opts.Flags)
	if err != nil {
		return nil, err
	}
	cfg := &Config{
		Profile:       profile,
		ProfileSource: profileSource,
		Tenant:        v.GetString("tenant"),
		Cloud:         v.GetString("cloud"),
		Output:        v.GetString("output"),
		LoginURL:      v.GetString("login-url"),
		GraphURL:      v.GetString("graph-url"),
		CAFile:        v.GetString("ca-file"),
		ClientID:      v.GetString("client-id"),
		Sandbox:       v.GetBool("sandbox"),
		NoColor:       v.GetBool("no-color"),
		Timeout:       timeout(v.GetString("timeout")),
		dir:           dir,
		file:          file,
	}
	cfg.settings = resolvedSettings(v, fileValues, env, opts.Flags)
	return cfg, nil
}

// timeout reads the timeout key, which every source has checked
// (CheckTimeout); the default stands in for a value that slipped through.
func timeout(v string) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return DefaultTimeout
	}
	return d
}

// newViper layers the sources. viper reads the environment only through
// os.LookupEnv, so the (injectable) environment is merged over the file's
// values in viper's config layer instead: env beats file there, and bound
// flags and defaults keep their own layers above and below.
func newViper(fileValues, envValues map[string]string, flags *pflag.FlagSet) (*viper.Viper, error) {
	v := viper.New()
	for _, k := range keys {
		v.SetDefault(k.Name, k.Default)
	}
	for _, layer := range []map[string]string{fileValues, envValues} {
		if err := v.MergeConfigMap(toAny(layer)); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if flag := lookupFlag(flags, k.Name); flag != nil {
			if err := v.BindPFlag(k.Name, flag); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// resolvedSettings records each key's value and source. viper resolves
// values but cannot say where one came from, so the source is read off the
// same inputs in the same order.
func resolvedSettings(v *viper.Viper, fileValues, envValues map[string]string, flags *pflag.FlagSet) []Setting {
	settings := make([]Setting, 0, len(keys))
	for _, k := range keys {
		source := SourceDefault
		if flag := lookupFlag(flags, k.Name); flag != nil && flag.Changed {
			source = SourceFlag
		} else if _, ok := envValues[k.Name]; ok {
			source = "env " + k.Env()
		} else if _, ok := fileValues[k.Name]; ok {
			source = SourceFile
		}
		settings = append(settings, Setting{Key: k.Name, Value: v.GetString(k.Name), Source: source})
	}
	return settings
}

// selectProfile applies --profile > TEAMSCTL_PROFILE > current-profile >
// default, and says which one chose.
func selectProfile(opts LoadOptions, file *File) (name, source string, err error) {
	if flag := lookupFlag(opts.Flags, ProfileFlag); flag != nil && flag.Changed {
		return flag.Value.String(), SourceFlag, CheckProfileName(flag.Value.String())
	}
	if name := opts.Getenv(EnvProfile); name != "" {
		if err := CheckProfileName(name); err != nil {
			return "", "", fmt.Errorf("%s: %w", EnvProfile, err)
		}
		return name, "env " + EnvProfile, nil
	}
	if name := file.CurrentProfile(); name != "" {
		return name, SourceCurrentProfile, nil
	}
	return DefaultProfile, SourceDefault, nil
}

// CheckProfile reports an UnknownProfileError when the selected profile is
// neither in the file nor the implicit default profile: a mistyped
// --profile, TEAMSCTL_PROFILE or current-profile must not run as an empty
// profile (no tenant, so whatever tenant a sign-in has). It looks at the
// file as it is in memory, so a command that creates the profile (login)
// passes once it has added it.
func (c *Config) CheckProfile() error {
	if c.Profile == DefaultProfile || c.file.HasProfile(c.Profile) {
		return nil
	}
	return &UnknownProfileError{Name: c.Profile, Source: c.ProfileSource, Profiles: c.file.Profiles(), File: c.file.Path(), config: c}
}

// IsNewProfile reports whether the selected profile does not exist yet.
func (c *Config) IsNewProfile() bool { return c.CheckProfile() != nil }

// AllowNewProfile is for the commands that create a profile (config set,
// login) or manage the profiles rather than use one (config profiles,
// config use-profile): given what Factory.Config returned, it returns the
// configuration even when the selected profile does not exist yet. Other
// errors are returned as they are.
func AllowNewProfile(cfg *Config, err error) (*Config, error) {
	var unknown *UnknownProfileError
	if errors.As(err, &unknown) {
		return unknown.config, nil
	}
	return cfg, err
}

// UnknownProfileError is a selected profile that does not exist.
type UnknownProfileError struct {
	Name string
	// Source is what selected it (Config.ProfileSource).
	Source   string
	Profiles []string
	File     string
	config   *Config
}

func (e *UnknownProfileError) Error() string {
	by := map[string]string{SourceFlag: "--profile", SourceCurrentProfile: "the current-profile of " + e.File}[e.Source]
	if by == "" {
		by = strings.TrimPrefix(e.Source, "env ")
	}
	profiles := e.Profiles
	if !slices.Contains(profiles, DefaultProfile) {
		profiles = append([]string{DefaultProfile}, profiles...)
	}
	return fmt.Sprintf("profile %q (from %s) does not exist; profiles: %s", e.Name, by, strings.Join(profiles, ", "))
}

// Hint says how to pick an existing profile or create this one.
func (e *UnknownProfileError) Hint() string {
	create := fmt.Sprintf("create it with: teamsctl config set tenant TENANT --profile %s (or teamsctl login --tenant TENANT --profile %s)", e.Name, e.Name)
	switch e.Source {
	case SourceCurrentProfile:
		return "Switch to an existing profile with: teamsctl config use-profile NAME; or " + create
	case SourceFlag:
		return "Check the spelling, or " + create
	default:
		return fmt.Sprintf("Correct or unset %s, or %s", EnvProfile, create)
	}
}

// envValues reads the TEAMSCTL_* variables that are set, validating each
// so a typo is reported against the variable that holds it.
func envValues(getenv func(string) string) (map[string]string, error) {
	values := map[string]string{}
	var errs []error
	for _, k := range keys {
		value := getenv(k.Env())
		if value == "" {
			continue
		}
		if err := k.Check(value); err != nil {
			errs = append(errs, &EnvError{Var: k.Env(), Err: err})
			continue
		}
		values[k.Name] = value
	}
	return values, errors.Join(errs...)
}

// EnvError reports an invalid TEAMSCTL_* variable.
type EnvError struct {
	Var string
	Err error
}

func (e *EnvError) Error() string { return fmt.Sprintf("environment variable %s: %v", e.Var, e.Err) }

func (e *EnvError) Unwrap() error { return e.Err }

// Hint tells the user how to recover.
func (e *EnvError) Hint() string { return fmt.Sprintf("Correct or unset %s.", e.Var) }

func lookupFlag(flags *pflag.FlagSet, name string) *pflag.Flag {
	if flags == nil {
		return nil
	}
	return flags.Lookup(name)
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
