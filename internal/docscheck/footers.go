package docscheck

import (
	"path"
	"strings"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// footerSuffixes mark the hand-written footer pages the site includes under
// generated pages: designation_errors.md belongs to designation.md,
// batch_not_found_errors.md to every batch_* page.
var footerSuffixes = []string{"_errors", "_not_found", "_forbidden"}

// footerTargets returns the operation pages a footer page (error sections,
// no operations) documents. A named footer (X_errors, X_not_found) belongs
// to page X, or when there is no page X to the pages named X_* (so
// batch_not_found_errors covers both batch pages); a generic one (not_found,
// unauthorized) to every page that shows a section with the same heading.
func footerTargets(footer *docpages.Page, opPages []*docpages.Page) []*docpages.Page {
	stem := pageStem(footer.File)
	base := stem
	for changed := true; changed; {
		changed = false
		for _, suf := range footerSuffixes {
			if b, ok := strings.CutSuffix(base, suf); ok && b != "" {
				base, changed = b, true
			}
		}
	}
	var exact, prefixed, generic []*docpages.Page
	for _, p := range opPages {
		s := pageStem(p.File)
		switch {
		case base != stem && s == base:
			exact = append(exact, p)
		case base != stem && strings.HasPrefix(s, base+"_"):
			prefixed = append(prefixed, p)
		case base == stem && sharesHeading(footer, p):
			generic = append(generic, p)
		}
	}
	switch {
	case base == stem:
		return generic
	case len(exact) > 0:
		return exact
	default:
		return prefixed
	}
}

func pageStem(file string) string {
	name := path.Base(strings.ReplaceAll(file, "\\", "/"))
	return strings.TrimSuffix(name, path.Ext(name))
}

func sharesHeading(footer, p *docpages.Page) bool {
	for _, h := range footer.Headings {
		for _, ph := range p.Headings {
			if strings.EqualFold(h, ph) {
				return true
			}
		}
	}
	return false
}

// checkFooter checks a footer page's examples against the operations of the
// pages it belongs to, reporting under the footer's own name.
func (c *checker) checkFooter(footer *docpages.Page, opPages []*docpages.Page, pageOps map[*docpages.Page][]pageOp) {
	targets := footerTargets(footer, opPages)
	if len(targets) == 0 {
		c.note(Finding{Page: footer.File}, Extra, "footer", "error sections that belong to no page documenting an operation")
		return
	}
	for _, p := range targets {
		ops := pageOps[p]
		for _, po := range ops {
			if !po.found {
				continue
			}
			for _, ex := range footer.Errors {
				if applies(ex, po, ops) {
					c.checkExample(footer.File, po, ex)
				}
			}
		}
	}
}
