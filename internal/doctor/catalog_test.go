package doctor

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCatalogStatusesDeclared reads the checks (checks*.go) and fails when a check can
// report a status its catalog entry does not declare: a new status must be
// declared, and then the end-to-end matrix (cmd/teamsctl's
// TestDoctorStatusMatrixCoversCatalog) demands a row triggering it.
func TestCatalogStatusesDeclared(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("checks*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	ids := map[string]Definition{} // constant name -> definition
	byID := map[string]Definition{}
	for _, d := range Catalog() {
		byID[d.ID] = d
	}
	for name, id := range checkIDConstants() {
		ids[name] = byID[id]
	}
	statusOf := map[string]Status{"Pass": Pass, "Warn": Warn, "Fail": Fail, "Skip": Skip, "Info": Info, "Downstream": Downstream}
	found := 0
	inspect := func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		var idArg ast.Expr
		var st Status
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr: // e.add(id, subject, status, ...), e.downstream(id, ...)
			if fn.Sel.Name == "downstream" && len(call.Args) > 0 {
				idArg, st = call.Args[0], Downstream
				break
			}
			if fn.Sel.Name != "add" || len(call.Args) < 3 {
				return true
			}
			s, ok := call.Args[2].(*ast.Ident)
			if !ok {
				t.Errorf("%s: add with a computed status; declare it and keep it a constant here", fset.Position(call.Pos()))
				return true
			}
			idArg, st = call.Args[0], statusOf[s.Name]
		case *ast.IndexListExpr, *ast.IndexExpr, *ast.Ident: // skipFor(e, id, ...)
			name := ""
			switch f := fn.(type) {
			case *ast.Ident:
				name = f.Name
			case *ast.IndexExpr:
				if i, ok := f.X.(*ast.Ident); ok {
					name = i.Name
				}
			}
			if name != "skipFor" || len(call.Args) < 2 {
				return true
			}
			idArg, st = call.Args[1], Skip
		default:
			return true
		}
		if st == "" {
			t.Errorf("%s: unknown status", fset.Position(call.Pos()))
			return true
		}
		ident, ok := idArg.(*ast.Ident)
		if !ok {
			return true
		}
		if d, ok := ids[ident.Name]; ok {
			found++
			if !slices.Contains(d.Statuses, st) {
				t.Errorf("%s: %s reports %s, which its catalog entry does not declare (Statuses %v)", fset.Position(call.Pos()), d.ID, st, d.Statuses)
			}
		} else if st != Skip && st != Downstream {
			// A loop variable: those loops only ever skip checks; the
			// downstream helper adds for its callers, checked above.
			t.Errorf("%s: %s with a non-constant check id", fset.Position(call.Pos()), st)
		}
		return true
	}
	for _, file := range files {
		ast.Inspect(file, inspect)
	}
	if found < len(Catalog()) {
		t.Errorf("found %d status reports in checks*.go, want at least one per check (%d)", found, len(Catalog()))
	}
	for _, d := range Catalog() {
		if len(d.Statuses) == 0 {
			t.Errorf("%s declares no statuses", d.ID)
		}
		if d.Needs != nil && !slices.Contains(d.Statuses, Skip) {
			t.Errorf("%s reads Graph but cannot skip", d.ID)
		}
	}
}

// checkIDConstants maps the ID* constant names to their values.
func checkIDConstants() map[string]string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "catalog.go", nil, 0)
	if err != nil {
		panic(err)
	}
	out := map[string]string{}
	for _, decl := range file.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && len(name.Name) > 2 && name.Name[:2] == "ID" {
					out[name.Name] = lit.Value[1 : len(lit.Value)-1]
				}
			}
		}
	}
	return out
}
