package commands

import "sync"

// OneOffs is the set of one-off containers (run) a session of this daemon
// is attached to, by name, from before each is created until it is
// removed. The reconciler removes the others: a daemon killed during a run
// leaves its container behind. The zero value is empty and ready.
type OneOffs struct{ m sync.Map }

// Attached reports whether a session is attached to the named container.
func (o *OneOffs) Attached(name string) bool {
	_, ok := o.m.Load(name)
	return ok
}

func (o *OneOffs) add(name string) {
	if o != nil {
		o.m.Store(name, struct{}{})
	}
}

func (o *OneOffs) done(name string) {
	if o != nil {
		o.m.Delete(name)
	}
}
