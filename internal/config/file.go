package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// FileName is the configuration file inside the configuration directory.
const FileName = "config.yaml"

const (
	currentProfileKey = "current-profile"
	profilesKey       = "profiles"
)

// File is the configuration file as written by the user. It is kept as a
// YAML node tree so that edits keep the user's comments and key order.
type File struct {
	path string
	root *yaml.Node // the top-level mapping; empty when the file does not exist
}

// FileError reports a problem in the configuration file, with the line
// when it is known.
type FileError struct {
	Path string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config file %s, line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("config file %s: %s", e.Path, e.Msg)
}

// Hint tells the user how to get going again.
func (e *FileError) Hint() string {
	return "Fix the file in an editor, or move it away to start from defaults."
}

// ReadFile reads and validates the configuration file at path. A missing
// file is an empty configuration.
func ReadFile(path string) (*File, error) {
	f := &File{path: path, root: &yaml.Node{Kind: yaml.MappingNode}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, data, err)
	}
	if len(doc.Content) > 0 {
		f.root = doc.Content[0]
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// yamlMessage strips yaml.v3's prefixes ("yaml: line 3: ") from a message.
var yamlMessage = lazyregexp.New(`^yaml: (line \d+: )?`)

// yamlError names the file and the line where it stops being valid YAML.
func yamlError(path string, data []byte, err error) error {
	return &FileError{Path: path, Line: firstBadLine(data), Msg: yamlMessage.ReplaceAllString(err.Error(), "")}
}

// firstBadLine returns the first line at which data stops being valid YAML,
// or 0 if no prefix fails. yaml.v3's own line number points at the start of
// the enclosing block, zero-based for parser errors, which sends the user
// to the wrong line; re-parsing growing prefixes finds the line that broke
// the file. Configuration files are small and this runs only on error.
func firstBadLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for n := 1; n <= len(lines); n++ {
		var node yaml.Node
		if yaml.Unmarshal(bytes.Join(lines[:n], nil), &node) != nil {
			return n
		}
	}
	return 0
}

// validate checks the whole file once, so later reads can trust its shape.
func (f *File) validate() error {
	if f.root.Kind == yaml.ScalarNode && f.root.Tag == "!!null" {
		f.root = &yaml.Node{Kind: yaml.MappingNode}
		return nil
	}
	if f.root.Kind != yaml.MappingNode {
		return f.errorAt(f.root, "expected a mapping with current-profile and profiles")
	}
	for i := 0; i < len(f.root.Content); i += 2 {
		key, value := f.root.Content[i], f.root.Content[i+1]
		var err error
		switch key.Value {
		case currentProfileKey:
			err = f.validateProfileName(value)
		case profilesKey:
			err = f.validateProfiles(value)
		default:
			err = f.errorAt(key, fmt.Sprintf("unknown key %q; the file holds %s and %s", key.Value, currentProfileKey, profilesKey))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (f *File) validateProfileName(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return f.errorAt(n, "a profile name must be a plain string")
	}
	if err := CheckProfileName(n.Value); err != nil {
		return f.errorAt(n, err.Error())
	}
	return nil
}

func (f *File) validateProfiles(profiles *yaml.Node) error {
	if isNull(profiles) {
		return nil
	}
	if profiles.Kind != yaml.MappingNode {
		return f.errorAt(profiles, "profiles must map profile names to settings")
	}
	for i := 0; i < len(profiles.Content); i += 2 {
		name, settings := profiles.Content[i], profiles.Content[i+1]
		if err := f.validateProfileName(name); err != nil {
			return err
		}
		if err := f.validateSettings(name.Value, settings); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) validateSettings(profile string, settings *yaml.Node) error {
	if isNull(settings) {
		return nil
	}
	if settings.Kind != yaml.MappingNode {
		return f.errorAt(settings, fmt.Sprintf("profile %q must map keys to values", profile))
	}
	for i := 0; i < len(settings.Content); i += 2 {
		keyNode, value := settings.Content[i], settings.Content[i+1]
		key, err := LookupKey(keyNode.Value)
		if err != nil {
			return f.errorAt(keyNode, err.Error())
		}
		if value.Kind != yaml.ScalarNode {
			return f.errorAt(value, fmt.Sprintf("%s must be a single value", key.Name))
		}
		if err := key.Check(value.Value); err != nil {
			return f.errorAt(value, err.Error())
		}
	}
	return nil
}

func (f *File) errorAt(n *yaml.Node, msg string) error {
	return &FileError{Path: f.path, Line: n.Line, Msg: msg}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Path is where the file lives, whether or not it exists yet.
func (f *File) Path() string { return f.path }

// CurrentProfile is the profile used when none is selected, or "".
func (f *File) CurrentProfile() string {
	if n := mappingValue(f.root, currentProfileKey); n != nil {
		return n.Value
	}
	return ""
}

// SetCurrentProfile makes name the profile used when none is selected.
func (f *File) SetCurrentProfile(name string) error {
	if err := CheckProfileName(name); err != nil {
		return err
	}
	setMappingValue(f.root, currentProfileKey, stringNode(name))
	return nil
}

// Profiles returns the profile names in file order.
func (f *File) Profiles() []string {
	profiles := mappingValue(f.root, profilesKey)
	if profiles == nil || profiles.Kind != yaml.MappingNode {
		return nil
	}
	names := make([]string, 0, len(profiles.Content)/2)
	for i := 0; i < len(profiles.Content); i += 2 {
		names = append(names, profiles.Content[i].Value)
	}
	return names
}

// HasProfile reports whether the file names the profile.
func (f *File) HasProfile(name string) bool {
	for _, p := range f.Profiles() {
		if p == name {
			return true
		}
	}
	return false
}

// Values returns the settings a profile sets, by key name.
func (f *File) Values(profile string) map[string]string {
	values := map[string]string{}
	settings := f.settings(profile)
	if settings == nil {
		return values
	}
	for i := 0; i < len(settings.Content); i += 2 {
		values[settings.Content[i].Value] = settings.Content[i+1].Value
	}
	return values
}

// Set validates value and stores it under key in the profile, creating the
// profile if needed.
func (f *File) Set(profile, key, value string) error {
	if err := CheckProfileName(profile); err != nil {
		return err
	}
	k, err := LookupKey(key)
	if err != nil {
		return err
	}
	if err := k.Check(value); err != nil {
		return err
	}
	profiles := mappingValue(f.root, profilesKey)
	if profiles == nil || profiles.Kind != yaml.MappingNode {
		profiles = &yaml.Node{Kind: yaml.MappingNode}
		setMappingValue(f.root, profilesKey, profiles)
	}
	settings := mappingValue(profiles, profile)
	if settings == nil || settings.Kind != yaml.MappingNode {
		settings = &yaml.Node{Kind: yaml.MappingNode}
		setMappingValue(profiles, profile, settings)
	}
	setMappingValue(settings, key, valueNode(k, value))
	return nil
}

// AddProfile adds an empty profile, unless the file has it already.
func (f *File) AddProfile(name string) error {
	if err := CheckProfileName(name); err != nil {
		return err
	}
	profiles := mappingValue(f.root, profilesKey)
	if profiles == nil || profiles.Kind != yaml.MappingNode {
		profiles = &yaml.Node{Kind: yaml.MappingNode}
		setMappingValue(f.root, profilesKey, profiles)
	}
	if settings := mappingValue(profiles, name); settings == nil {
		setMappingValue(profiles, name, &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle})
	}
	return nil
}

// Unset removes key from the profile and reports whether it was set.
func (f *File) Unset(profile, key string) (bool, error) {
	if _, err := LookupKey(key); err != nil {
		return false, err
	}
	settings := f.settings(profile)
	if settings == nil {
		return false, nil
	}
	return deleteMappingKey(settings, key), nil
}

func (f *File) settings(profile string) *yaml.Node {
	profiles := mappingValue(f.root, profilesKey)
	if profiles == nil || profiles.Kind != yaml.MappingNode {
		return nil
	}
	settings := mappingValue(profiles, profile)
	if settings == nil || settings.Kind != yaml.MappingNode {
		return nil
	}
	return settings
}

// Save writes the file atomically: a reader sees the old file or the new
// one, never a torn write, even if teamsctl is killed half-way. The file is
// private to the user (0600) because later it sits beside token caches and
// names tenants.
func (f *File) Save() error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f.root); err != nil {
		return fmt.Errorf("encoding config file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encoding config file: %w", err)
	}
	return writeFileAtomic(f.path, buf.Bytes())
}

func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	return nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setMappingValue(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, stringNode(key), value)
}

func deleteMappingKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return true
		}
	}
	return false
}

func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// valueNode writes booleans unquoted (sandbox: true) and everything else
// as a string, quoted only where YAML would otherwise misread it.
func valueNode(k Key, value string) *yaml.Node {
	if k.Bool {
		b, _ := strconv.ParseBool(value)
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
	}
	return stringNode(value)
}
