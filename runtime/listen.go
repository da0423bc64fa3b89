package runtime

import (
	"context"
	"encoding/json"
	"sync"
)

// listener is one open subscriptions/listen stream (2026-07-28). It
// replaces the 2025 GET stream and resources/subscribe: the client says
// which notifications it wants, the server acknowledges, then sends only
// those, each tagged with the listen request's id.
type listener struct {
	id  json.RawMessage
	out Outbound

	mu                       sync.Mutex // orders the acknowledgement before any notification
	tools, prompts, resource bool
	uris                     map[string]bool
	tasks                    map[string]bool // task ids (the tasks extension)
}

// subscriptionFilter is SubscriptionFilter of the 2026 schema.
type subscriptionFilter struct {
	ToolsListChanged      bool     `json:"toolsListChanged,omitempty"`
	PromptsListChanged    bool     `json:"promptsListChanged,omitempty"`
	ResourcesListChanged  bool     `json:"resourcesListChanged,omitempty"`
	ResourceSubscriptions []string `json:"resourceSubscriptions,omitempty"`
	// TaskIDs asks for notifications/tasks about these tasks (the tasks
	// extension).
	TaskIDs []string `json:"taskIds,omitempty"`
}

func subscriptionMeta(id json.RawMessage) map[string]json.RawMessage {
	return map[string]json.RawMessage{metaSubscriptionID: id}
}

// listen serves subscriptions/listen: acknowledge at once with the subset
// of the filter the server honours, then hold the stream until the client
// closes it (ctx ends: no response) or the server shuts down (the final
// response ends the stream).
func (s *Server) listen(ctx context.Context, msg *Message, out Outbound) ([]byte, *Error) {
	var p struct {
		Notifications subscriptionFilter `json:"notifications"`
		Meta          struct {
			Caps json.RawMessage `json:"io.modelcontextprotocol/clientCapabilities"`
		} `json:"_meta"`
	}
	if err := decodeParams(msg.Params, &p); err != nil {
		return nil, err
	}
	if len(p.Notifications.TaskIDs) > 0 && !declaresTasks(p.Meta.Caps) {
		return nil, missingTasksExtension("task status notifications need it")
	}
	if out == nil {
		return nil, &Error{Code: CodeInvalidRequest, Message: "invalid request: subscriptions/listen needs a transport that streams (an SSE response)"}
	}
	f := p.Notifications
	honoured := subscriptionFilter{
		ToolsListChanged:     f.ToolsListChanged && s.serves("tools"),
		PromptsListChanged:   f.PromptsListChanged && s.serves("prompts"),
		ResourcesListChanged: f.ResourcesListChanged && s.serves("resources"),
	}
	l := &listener{id: msg.ID, out: out, tools: honoured.ToolsListChanged, prompts: honoured.PromptsListChanged, resource: honoured.ResourcesListChanged}
	if s.serves("resources") && len(f.ResourceSubscriptions) > 0 {
		honoured.ResourceSubscriptions = f.ResourceSubscriptions
		l.uris = make(map[string]bool, len(f.ResourceSubscriptions))
		for _, u := range f.ResourceSubscriptions {
			l.uris[u] = true
		}
	}
	if ids := f.TaskIDs; len(ids) > 0 && s.taskTools {
		// Only the caller's own tasks.
		l.tasks = map[string]bool{}
		for _, id := range ids {
			if _, err := s.tasks.lookup(ctx, id); err == nil && !l.tasks[id] {
				l.tasks[id] = true
				honoured.TaskIDs = append(honoured.TaskIDs, id)
			}
		}
	}
	l.mu.Lock()
	s.listenMu.Lock()
	s.listeners[l] = struct{}{}
	s.listenMu.Unlock()
	defer func() {
		s.listenMu.Lock()
		delete(s.listeners, l)
		s.listenMu.Unlock()
	}()
	err := out.Send(EncodeNotification("notifications/subscriptions/acknowledged", struct {
		Meta          map[string]json.RawMessage `json:"_meta"`
		Notifications subscriptionFilter         `json:"notifications"`
	}{subscriptionMeta(msg.ID), honoured}))
	l.mu.Unlock()
	if err != nil {
		return nil, nil
	}
	select {
	case <-ctx.Done():
		return nil, nil
	case <-s.closing:
		b, _ := json.Marshal(struct {
			ResultType string                     `json:"resultType"`
			Meta       map[string]json.RawMessage `json:"_meta"`
		}{"complete", subscriptionMeta(msg.ID)})
		return b, nil
	}
}

// publish sends a notification to every listen stream that opted in.
func (s *Server) publish(method string, want func(*listener) bool, uri string) {
	s.listenMu.Lock()
	ls := make([]*listener, 0, len(s.listeners))
	for l := range s.listeners {
		ls = append(ls, l)
	}
	s.listenMu.Unlock()
	for _, l := range ls {
		if !want(l) {
			continue
		}
		params := map[string]any{"_meta": subscriptionMeta(l.id)}
		if uri != "" {
			params["uri"] = uri
		}
		l.mu.Lock()
		err := l.out.Send(EncodeNotification(method, params))
		l.mu.Unlock()
		if err != nil {
			s.cfg.Logger.Debug("mcp: listen notification not delivered", "method", method, "err", err)
		}
	}
}

// publishTask sends notifications/tasks (a DetailedTask, as tasks/get
// would answer) to the listen streams that asked for the task.
func (s *Server) publishTask(rec *TaskRecord) {
	s.listenMu.Lock()
	var ls []*listener
	for l := range s.listeners {
		if l.tasks[rec.ID] {
			ls = append(ls, l)
		}
	}
	s.listenMu.Unlock()
	for _, l := range ls {
		t := newModernTask(rec, "", true)
		t.Meta = subscriptionMeta(l.id)
		l.mu.Lock()
		err := l.out.Send(EncodeNotification("notifications/tasks", t))
		l.mu.Unlock()
		if err != nil {
			s.cfg.Logger.Debug("mcp: task notification not delivered", "task", rec.ID, "err", err)
		}
	}
}

// NotifyToolListChanged tells the 2026 listen streams that asked for
// toolsListChanged that the tool list changed, so clients list it again.
// With a shared store every replica's streams are told.
func (s *Server) NotifyToolListChanged() {
	s.notifyLocal(notifyTools, "")
	s.broadcast(notifyTools, "")
}

// NotifyPromptListChanged is NotifyToolListChanged for prompts.
func (s *Server) NotifyPromptListChanged() {
	s.notifyLocal(notifyPrompts, "")
	s.broadcast(notifyPrompts, "")
}

// NotifyResourceListChanged is NotifyToolListChanged for resources.
func (s *Server) NotifyResourceListChanged() {
	s.notifyLocal(notifyResources, "")
	s.broadcast(notifyResources, "")
}

// The notifications replicas pass to each other (Server.broadcast).
const (
	notifyTools     = "tools"
	notifyPrompts   = "prompts"
	notifyResources = "resources"
	notifyUpdated   = "updated"
)

// notifyLocal delivers a notification to this process's streams.
func (s *Server) notifyLocal(kind, uri string) {
	switch kind {
	case notifyTools:
		s.publish("notifications/tools/list_changed", func(l *listener) bool { return l.tools }, "")
	case notifyPrompts:
		s.publish("notifications/prompts/list_changed", func(l *listener) bool { return l.prompts }, "")
	case notifyResources:
		s.publish("notifications/resources/list_changed", func(l *listener) bool { return l.resource }, "")
	case notifyUpdated:
		s.resourceUpdated(uri)
	}
}
