package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// validToolName applies the spec's tool-name rule: 1 to 128 characters
// of [A-Za-z0-9_.-].
func validToolName(name string) bool {
	if len(name) == 0 || len(name) > 128 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func validSchema(s json.RawMessage) bool {
	t := bytes.TrimSpace(s)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// registry is the validated, indexed form of a Definition.
type registry struct {
	tools       map[string]*Tool
	resources   map[string]*Resource
	templates   []*compiledResourceTemplate
	prompts     map[string]*Prompt
	completions map[completionKey]*Completion
}

type compiledResourceTemplate struct {
	*ResourceTemplate
	tmpl *uriTemplate
}

// completionKey names what a completion completes: the argument of a
// prompt (kind "prompt") or the variable of a template (kind "resource").
type completionKey struct {
	kind, ref, arg string
}

// buildRegistry checks def and indexes it. It reports every problem it
// finds, not just the first, so a hand-written Definition can be fixed in
// one pass.
func buildRegistry(def *Definition) (*registry, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := &registry{
		tools:       map[string]*Tool{},
		resources:   map[string]*Resource{},
		prompts:     map[string]*Prompt{},
		completions: map[completionKey]*Completion{},
	}
	if def.Name == "" {
		bad("server name is empty (set Definition.Name)")
	}
	for i, t := range def.Tools {
		switch {
		case t == nil:
			bad("tool %d is nil", i)
			continue
		case !validToolName(t.Name):
			bad("tool %q: a tool name must be 1 to 128 characters of A-Z, a-z, 0-9, '_', '.' and '-'", t.Name)
		case r.tools[t.Name] != nil:
			bad("tool %q is defined twice", t.Name)
		}
		if t.Handler == nil {
			bad("tool %q has no Handler", t.Name)
		}
		if t.InputSchema != nil && !validSchema(t.InputSchema) {
			bad("tool %q: InputSchema is not a JSON object", t.Name)
		}
		if t.OutputSchema != nil && !validSchema(t.OutputSchema) {
			bad("tool %q: OutputSchema is not a JSON object", t.Name)
		}
		if r.tools[t.Name] == nil {
			r.tools[t.Name] = t
		}
	}
	for i, res := range def.Resources {
		switch {
		case res == nil:
			bad("resource %d is nil", i)
			continue
		case res.URI == "":
			bad("resource %d (%q) has no URI", i, res.Name)
		case r.resources[res.URI] != nil:
			bad("resource %q is defined twice", res.URI)
		}
		if res.Handler == nil {
			bad("resource %q has no Handler", res.URI)
		}
		if r.resources[res.URI] == nil {
			r.resources[res.URI] = res
		}
	}
	seenTmpl := map[string]bool{}
	for i, rt := range def.ResourceTemplates {
		if rt == nil {
			bad("resource template %d is nil", i)
			continue
		}
		if seenTmpl[rt.URITemplate] {
			bad("resource template %q is defined twice", rt.URITemplate)
			continue
		}
		seenTmpl[rt.URITemplate] = true
		if rt.Handler == nil {
			bad("resource template %q has no Handler", rt.URITemplate)
		}
		tm, err := compileURITemplate(rt.URITemplate)
		if err != nil {
			bad("resource template: %v", err)
			continue
		}
		r.templates = append(r.templates, &compiledResourceTemplate{rt, tm})
	}
	for i, p := range def.Prompts {
		switch {
		case p == nil:
			bad("prompt %d is nil", i)
			continue
		case p.Name == "":
			bad("prompt %d has no name", i)
		case r.prompts[p.Name] != nil:
			bad("prompt %q is defined twice", p.Name)
		}
		if p.Handler == nil {
			bad("prompt %q has no Handler", p.Name)
		}
		args := map[string]bool{}
		for _, a := range p.Arguments {
			if a.Name == "" {
				bad("prompt %q has an argument with no name", p.Name)
			} else if args[a.Name] {
				bad("prompt %q: argument %q is declared twice", p.Name, a.Name)
			}
			args[a.Name] = true
		}
		if r.prompts[p.Name] == nil {
			r.prompts[p.Name] = p
		}
	}
	for i, c := range def.Completions {
		if c == nil {
			bad("completion %d is nil", i)
			continue
		}
		if c.Handler == nil {
			bad("completion %d (argument %q) has no Handler", i, c.Argument)
		}
		var key completionKey
		switch {
		case c.Prompt != "" && c.URITemplate != "":
			bad("completion %d names both prompt %q and template %q; set one", i, c.Prompt, c.URITemplate)
			continue
		case c.Prompt != "":
			key = completionKey{"prompt", c.Prompt, c.Argument}
			p := r.prompts[c.Prompt]
			if p == nil {
				bad("completion for %q of prompt %q: no such prompt", c.Argument, c.Prompt)
				continue
			}
			found := false
			for _, a := range p.Arguments {
				found = found || a.Name == c.Argument
			}
			if !found {
				bad("completion for prompt %q: the prompt has no argument %q", c.Prompt, c.Argument)
				continue
			}
		case c.URITemplate != "":
			key = completionKey{"resource", c.URITemplate, c.Argument}
			var tm *uriTemplate
			for _, t := range r.templates {
				if t.URITemplate == c.URITemplate {
					tm = t.tmpl
				}
			}
			if tm == nil {
				bad("completion for %q of template %q: no such resource template", c.Argument, c.URITemplate)
				continue
			}
			found := false
			for _, v := range tm.vars {
				found = found || v == c.Argument
			}
			if !found {
				bad("completion for template %q: the template has no variable {%s}", c.URITemplate, c.Argument)
				continue
			}
		default:
			bad("completion %d (argument %q) names neither a prompt nor a resource template", i, c.Argument)
			continue
		}
		if r.completions[key] != nil {
			bad("completion for %q of %s %q is defined twice", c.Argument, key.kind, key.ref)
			continue
		}
		r.completions[key] = c
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("runtime: invalid definition: %w", errors.Join(errs...))
	}
	return r, nil
}
