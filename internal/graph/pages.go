package graph

import (
	"fmt"
	"net/url"
)

// Pages guards a walk over a collection's @odata.nextLinks, so a server
// that answers a page with a link to itself, to an earlier page, or with
// links that never end cannot keep a command reading forever.
type Pages struct {
	// Max is the most pages the walk reads; 0 means no limit.
	Max int
	// Hint, when set, tells the user how to need fewer pages (e.g. a
	// narrower filter or a larger page size).
	Hint string

	read int
	seen map[string]bool
}

// Follow records that the walk is about to read the page link points to
// (the first page having been read). It fails when link was followed
// before or when the page would be past Max.
func (p *Pages) Follow(link string) error {
	if p.seen == nil {
		p.seen = map[string]bool{}
		p.read = 1
	}
	if p.seen[link] {
		return &PagingError{Link: link, Problem: "@odata.nextLink points to a page already read; stopped instead of reading it again"}
	}
	if p.Max > 0 && p.read >= p.Max {
		return &PagingError{Link: link, Problem: fmt.Sprintf("stopped after %d pages, the most teamsctl reads of one collection", p.Max), HintText: p.Hint}
	}
	p.seen[link] = true
	p.read++
	return nil
}

// PagingError ends a walk over a collection's pages that would not end.
type PagingError struct {
	Link     string
	Problem  string
	HintText string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("reading the pages of %s: %s", collectionOf(e.Link), e.Problem)
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *PagingError) Hint() string { return e.HintText }

// collectionOf is a nextLink without its query (skip tokens are long and
// say nothing to a reader).
func collectionOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
