// Package model holds the types of the service example: they live in
// their own package, as in most real services, and their doc comments
// still reach the schemas.
package model

import "time"

// Status is the state of a task.
type Status string

const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
	StatusWontDo Status = "wont_do"
)

// Priority orders tasks.
type Priority int

const (
	Low    Priority = 1
	Medium Priority = 2
	High   Priority = 3
)

// User is a member of a project.
type User struct {
	// ID is the user's handle.
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty" mcp:"format=email"`
}

// Task is one piece of work.
type Task struct {
	// ID is assigned by the service.
	ID       string   `json:"id"`
	Title    string   `json:"title" mcp:"minLength=3,maxLength=200"`
	Status   Status   `json:"status"`
	Priority Priority `json:"priority,omitempty"`
	// Reviewer checks the work before it is closed.
	Reviewer *User     `json:"reviewer,omitempty"`
	Watchers []*User   `json:"watchers,omitempty"`
	Tags     []string  `json:"tags,omitempty"`
	Due      time.Time `json:"due,omitzero"`
}

// Comment is a remark on a task.
type Comment struct {
	ID     string    `json:"id"`
	TaskID string    `json:"taskId"`
	Author string    `json:"author"`
	Body   string    `json:"body" mcp:"minLength=1"`
	At     time.Time `json:"at"`
}

// Project groups tasks.
type Project struct {
	ID       string   `json:"id"`
	Name     string   `json:"name" mcp:"minLength=1,maxLength=80"`
	Archived bool     `json:"archived"`
	Members  []string `json:"members"`
}

// Page is a window of a listing.
type Page struct {
	// Cursor from the previous page; empty for the first.
	Cursor string `json:"cursor,omitempty"`
	Limit  int    `json:"limit,omitempty" mcp:"min=1,max=100,default=20"`
}
