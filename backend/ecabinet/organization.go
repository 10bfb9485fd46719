package ecabinet

import (
	"context"
	"strings"
)

// Organization is a ministry, a province or another unit that a body works
// with: members belong to one, tasks are led by one or by a member of one,
// and the statistics count per organisation. The body keeps them as a list
// so that each has one spelling.
type Organization struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Members and Tasks count who and what name it (the list shows them; an
	// organisation in use is not deleted).
	Members int `json:"members"`
	Tasks   int `json:"tasks"`
}

// OrganizationInput names an organisation.
type OrganizationInput struct {
	Name string `json:"name"`
}

// Validate trims the name, folds runs of spaces into one and checks its length.
func (in *OrganizationInput) Validate() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	return requireText("name", in.Name, 300)
}

// OrganizationService keeps the organisations of the actor's body.
type OrganizationService interface {
	// ListOrganizations returns the body's organisations by name.
	ListOrganizations(ctx context.Context) ([]*Organization, error)
	// CreateOrganization adds one (admin). Errors: invalid, conflict (the
	// name, or another spelling of it, is in the list).
	CreateOrganization(ctx context.Context, in OrganizationInput) (*Organization, error)
	// RenameOrganization changes a name everywhere it is used: members,
	// task leads, co-operating units and the statistics (admin).
	// Errors: invalid, not_found, conflict.
	RenameOrganization(ctx context.Context, id int64, in OrganizationInput) (*Organization, error)
	// DeleteOrganization removes one that no member or task names (admin).
	// Errors: not_found, conflict (in use).
	DeleteOrganization(ctx context.Context, id int64) error
}
