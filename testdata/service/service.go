// Package service is a task tracker of 37 tools on ordinary Go types from
// a shared model package: the size of service the generated code is
// measured on (lines per tool), and a check that doc comments of another
// package of the module reach the schemas.
//
//mcp:server name=tracker version=1.0.0
package service

import (
	"context"
	"time"

	"github.com/mcpgen/mcpgen/testdata/service/model"
)

// TaskRef names a task.
type TaskRef struct {
	// ID of the task.
	ID string `json:"id"`
}

// ProjectRef names a project.
type ProjectRef struct {
	// ID of the project.
	ID string `json:"id"`
}

// UserRef names a user.
type UserRef struct {
	// ID of the user.
	ID string `json:"id"`
}

// NewTask is what create_task needs.
type NewTask struct {
	ProjectID string         `json:"projectId"`
	Title     string         `json:"title" mcp:"minLength=3,maxLength=200"`
	Priority  model.Priority `json:"priority,omitempty"`
	Tags      []string       `json:"tags,omitempty"`
}

// TaskList is a page of tasks.
type TaskList struct {
	Tasks []model.Task `json:"tasks"`
	// Next is the cursor of the next page, empty at the end.
	Next string `json:"next,omitempty"`
}

// ListTasksInput filters list_tasks.
type ListTasksInput struct {
	ProjectID string        `json:"projectId"`
	Status    *model.Status `json:"status,omitempty"`
	model.Page
}

// Stats counts tasks by status.
type Stats struct {
	ByStatus map[string]int `json:"byStatus"`
	Total    int            `json:"total"`
}

// CreateTask creates a task.
//
//mcp:tool
func CreateTask(ctx context.Context, in NewTask) (*model.Task, error) { return &model.Task{}, nil }

// GetTask returns a task, or nothing when there is none.
//
//mcp:tool readonly
func GetTask(ctx context.Context, in TaskRef) (*model.Task, error) { return nil, nil }

// UpdateTask replaces a task.
//
//mcp:tool idempotent
func UpdateTask(ctx context.Context, in model.Task) (*model.Task, error) { return &in, nil }

// DeleteTask deletes a task.
//
//mcp:tool destructive
func DeleteTask(ctx context.Context, in TaskRef) error { return nil }

// ListTasks lists the tasks of a project.
//
//mcp:tool readonly
func ListTasks(ctx context.Context, in ListTasksInput) (TaskList, error) { return TaskList{}, nil }

// AssignTask sets the reviewer of a task.
//
//mcp:tool
func AssignTask(ctx context.Context, id string, reviewer model.User) (*model.Task, error) {
	return &model.Task{}, nil
}

// CloseTask closes a task.
//
//mcp:tool idempotent
func CloseTask(ctx context.Context, in TaskRef) (*model.Task, error) { return &model.Task{}, nil }

// ReopenTask reopens a task.
//
//mcp:tool idempotent
func ReopenTask(ctx context.Context, in TaskRef) (*model.Task, error) { return &model.Task{}, nil }

// AddComment comments on a task.
//
//mcp:tool
func AddComment(ctx context.Context, taskId, body string) (model.Comment, error) {
	return model.Comment{}, nil
}

// ListComments lists the comments of a task.
//
//mcp:tool readonly
func ListComments(ctx context.Context, in TaskRef) ([]model.Comment, error) { return nil, nil }

// DeleteComment deletes a comment.
//
//mcp:tool destructive
func DeleteComment(ctx context.Context, id string) error { return nil }

// CreateProject creates a project.
//
//mcp:tool
func CreateProject(ctx context.Context, name string) (model.Project, error) {
	return model.Project{}, nil
}

// GetProject returns a project.
//
//mcp:tool readonly
func GetProject(ctx context.Context, in ProjectRef) (model.Project, error) {
	return model.Project{}, nil
}

// ListProjects lists projects.
//
//mcp:tool readonly
func ListProjects(ctx context.Context, in model.Page) ([]model.Project, error) { return nil, nil }

// ArchiveProject archives a project.
//
//mcp:tool idempotent
func ArchiveProject(ctx context.Context, in ProjectRef) (model.Project, error) {
	return model.Project{}, nil
}

// RenameProject renames a project.
//
//mcp:tool
func RenameProject(ctx context.Context, id, name string) (model.Project, error) {
	return model.Project{}, nil
}

// AddMember adds a user to a project.
//
//mcp:tool idempotent
func AddMember(ctx context.Context, projectId, userId string) (model.Project, error) {
	return model.Project{}, nil
}

// RemoveMember removes a user from a project.
//
//mcp:tool idempotent
func RemoveMember(ctx context.Context, projectId, userId string) (model.Project, error) {
	return model.Project{}, nil
}

// ListMembers lists the members of a project.
//
//mcp:tool readonly
func ListMembers(ctx context.Context, in ProjectRef) ([]model.User, error) { return nil, nil }

// GetUser returns a user.
//
//mcp:tool readonly
func GetUser(ctx context.Context, in UserRef) (*model.User, error) { return &model.User{}, nil }

// ListUsers lists users.
//
//mcp:tool readonly
func ListUsers(ctx context.Context, in model.Page) ([]model.User, error) { return nil, nil }

// CreateUser creates a user.
//
//mcp:tool
func CreateUser(ctx context.Context, in model.User) (model.User, error) { return in, nil }

// UpdateUser replaces a user.
//
//mcp:tool idempotent
func UpdateUser(ctx context.Context, in model.User) (model.User, error) { return in, nil }

// Search finds tasks by text.
//
//mcp:tool readonly
func Search(ctx context.Context, query string, limit *int) (TaskList, error) { return TaskList{}, nil }

// GetStats counts tasks.
//
//mcp:tool readonly
func GetStats(ctx context.Context) (Stats, error) { return Stats{}, nil }

// Health reports whether the service is up.
//
//mcp:tool readonly
func Health(ctx context.Context) (bool, error) { return true, nil }

// Version is the service's version.
//
//mcp:tool readonly
func Version(ctx context.Context) (string, error) { return "1.0.0", nil }

// Export dumps every task as JSON text.
//
//mcp:tool readonly
func Export(ctx context.Context) ([]model.Task, error) { return nil, nil }

// ImportTasks loads tasks.
//
//mcp:tool
func ImportTasks(ctx context.Context, tasks []model.Task) (int, error) { return len(tasks), nil }

// BulkClose closes several tasks.
//
//mcp:tool idempotent
func BulkClose(ctx context.Context, ids []string) (int, error) { return len(ids), nil }

// TagTask adds a tag to a task.
//
//mcp:tool idempotent
func TagTask(ctx context.Context, id, tag string) (*model.Task, error) { return &model.Task{}, nil }

// UntagTask removes a tag from a task.
//
//mcp:tool idempotent
func UntagTask(ctx context.Context, id, tag string) (*model.Task, error) { return &model.Task{}, nil }

// ListTags lists the tags in use.
//
//mcp:tool readonly
func ListTags(ctx context.Context) ([]string, error) { return nil, nil }

// SetDue sets the due date of a task.
//
//mcp:tool idempotent
func SetDue(ctx context.Context, id string, due time.Time) (*model.Task, error) {
	return &model.Task{}, nil
}

// SetPriority sets the priority of a task.
//
//mcp:tool idempotent
func SetPriority(ctx context.Context, id string, priority model.Priority) (*model.Task, error) {
	return &model.Task{}, nil
}

// WatchTask adds a watcher to a task.
//
//mcp:tool idempotent
func WatchTask(ctx context.Context, id, userId string) (*model.Task, error) {
	return &model.Task{}, nil
}

// UnwatchTask removes a watcher from a task.
//
//mcp:tool idempotent
func UnwatchTask(ctx context.Context, id, userId string) (*model.Task, error) {
	return &model.Task{}, nil
}
