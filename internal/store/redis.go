package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the Store on a Redis server. All keys start with "kyozo:", so
// Kyozo can share a server with asynq (whose keys start with "asynq:").
type Redis struct {
	rdb *redis.Client
	// JobTTL is how long a finished job and its log are kept.
	JobTTL time.Duration
	// LogLines bounds the lines kept per job log.
	LogLines int64
	// EventsPerApp bounds each app's audit trail (about; trimmed in blocks).
	EventsPerApp int
}

var _ Store = (*Redis)(nil)

// Open connects to the Redis at url (redis://host:port/db).
func Open(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	return &Redis{rdb: redis.NewClient(opt), JobTTL: 7 * 24 * time.Hour, LogLines: 10000, EventsPerApp: 1000}, nil
}

// Client is the underlying client, for packages (asynq) that share it.
func (r *Redis) Client() *redis.Client { return r.rdb }

func (r *Redis) Ping(ctx context.Context) error { return r.rdb.Ping(ctx).Err() }

func (r *Redis) Close() error { return r.rdb.Close() }

const (
	keysByFP   = "kyozo:keys"          // hash fingerprint → Key JSON
	keysByName = "kyozo:keys:names"    // hash name → fingerprint
	appsKey    = "kyozo:apps"          // hash name → App JSON
	appPrefix  = "kyozo:app:"          // kyozo:app:NAME:…
	jobPrefix  = "kyozo:job:"          // kyozo:job:ID, kyozo:job:ID:log, kyozo:job:ID:cancel
	lockPrefix = "kyozo:lock:"         // kyozo:lock:NAME
	secretsFmt = "kyozo:app:%s:secret" // hash name → value
)

func getJSON[T any](ctx context.Context, rdb *redis.Client, key, field string) (T, error) {
	var v T
	s, err := rdb.HGet(ctx, key, field).Result()
	if errors.Is(err, redis.Nil) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, err
	}
	return v, json.Unmarshal([]byte(s), &v)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own types are marshalled
	}
	return string(b)
}

// AddKey stores a key; a fingerprint or name in use is ErrExists.
func (r *Redis) AddKey(ctx context.Context, k Key) error {
	if k.Added.IsZero() {
		k.Added = time.Now().UTC()
	}
	// The name index is claimed first, atomically; the key follows.
	ok, err := r.rdb.HSetNX(ctx, keysByName, k.Name, k.Fingerprint).Result()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("key name %q: %w", k.Name, ErrExists)
	}
	ok, err = r.rdb.HSetNX(ctx, keysByFP, k.Fingerprint, mustJSON(k)).Result()
	if err != nil || !ok {
		r.rdb.HDel(ctx, keysByName, k.Name)
		if err == nil {
			err = fmt.Errorf("key %s: %w", k.Fingerprint, ErrExists)
		}
	}
	return err
}

func (r *Redis) KeyByFingerprint(ctx context.Context, fp string) (Key, error) {
	return getJSON[Key](ctx, r.rdb, keysByFP, fp)
}

func (r *Redis) KeysList(ctx context.Context) ([]Key, error) {
	m, err := r.rdb.HGetAll(ctx, keysByFP).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Key, 0, len(m))
	for _, s := range m {
		var k Key
		if err := json.Unmarshal([]byte(s), &k); err == nil {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b Key) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (r *Redis) RemoveKey(ctx context.Context, name string) (Key, error) {
	fp, err := r.rdb.HGet(ctx, keysByName, name).Result()
	if errors.Is(err, redis.Nil) {
		return Key{}, fmt.Errorf("key %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Key{}, err
	}
	k, err := r.KeyByFingerprint(ctx, fp)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Key{}, err
	}
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, keysByName, name)
		p.HDel(ctx, keysByFP, fp)
		return nil
	})
	return k, err
}

func (r *Redis) CreateApp(ctx context.Context, a App) error {
	if a.Created.IsZero() {
		a.Created = time.Now().UTC()
	}
	ok, err := r.rdb.HSetNX(ctx, appsKey, a.Name, mustJSON(a)).Result()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("app %q: %w", a.Name, ErrExists)
	}
	return nil
}

func (r *Redis) App(ctx context.Context, name string) (App, error) {
	a, err := getJSON[App](ctx, r.rdb, appsKey, name)
	if errors.Is(err, ErrNotFound) {
		return a, fmt.Errorf("app %q: %w", name, ErrNotFound)
	}
	return a, err
}

func (r *Redis) AppsList(ctx context.Context) ([]App, error) {
	m, err := r.rdb.HGetAll(ctx, appsKey).Result()
	if err != nil {
		return nil, err
	}
	out := make([]App, 0, len(m))
	for _, s := range m {
		var a App
		if err := json.Unmarshal([]byte(s), &a); err == nil {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b App) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Activate makes rel current and records what runs it. The app record is
// read and rewritten under WATCH, so two activations of one app cannot
// interleave; release numbers come from an INCR in the same transaction.
func (r *Redis) Activate(ctx context.Context, app string, rel *Release, version int, running map[string]Running) error {
	relKey := appPrefix + app + ":releases"
	seqKey := appPrefix + app + ":release_seq"
	// rel is numbered only once a transaction succeeds: a failed attempt
	// must not leave it numbered.
	number := 0
	if rel != nil {
		number = rel.Version
		if rel.Created.IsZero() {
			rel.Created = time.Now().UTC()
		}
	}
	var got int
	txf := func(tx *redis.Tx) error {
		s, err := tx.HGet(ctx, appsKey, app).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("app %q: %w", app, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var a App
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return err
		}
		if rel == nil && a.Release != version {
			return fmt.Errorf("%w: v%d is no longer %s's current release (v%d is)", ErrConflict, version, app, a.Release)
		}
		v := number
		if rel != nil && v == 0 {
			seq, err := tx.Get(ctx, seqKey).Int()
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			v = seq + 1
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if rel != nil {
				if number == 0 {
					p.Set(ctx, seqKey, v, 0)
				}
				cp := *rel
				cp.Version = v
				p.HSet(ctx, relKey, strconv.Itoa(v), mustJSON(cp))
				a.Release, a.Commit = v, cp.Commit
			}
			a.Running = running
			p.HSet(ctx, appsKey, app, mustJSON(a))
			return nil
		})
		got = v
		return err
	}
	for range 50 {
		err := r.rdb.Watch(ctx, txf, appsKey, seqKey)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err == nil && rel != nil {
			rel.Version = got
		}
		return err
	}
	return fmt.Errorf("activating a release of %s: too much contention", app)
}

func (r *Redis) Release(ctx context.Context, app string, version int) (Release, error) {
	rel, err := getJSON[Release](ctx, r.rdb, appPrefix+app+":releases", strconv.Itoa(version))
	if errors.Is(err, ErrNotFound) {
		return rel, fmt.Errorf("release v%d of %s: %w", version, app, ErrNotFound)
	}
	return rel, err
}

// ReleasesList returns the newest n releases (all when n ≤ 0), newest first.
func (r *Redis) ReleasesList(ctx context.Context, app string, n int) ([]Release, error) {
	m, err := r.rdb.HGetAll(ctx, appPrefix+app+":releases").Result()
	if err != nil {
		return nil, err
	}
	out := make([]Release, 0, len(m))
	for _, s := range m {
		var rel Release
		if err := json.Unmarshal([]byte(s), &rel); err == nil {
			out = append(out, rel)
		}
	}
	slices.SortFunc(out, func(a, b Release) int { return b.Version - a.Version })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// DeleteApp forgets an app and everything stored under it.
func (r *Redis) DeleteApp(ctx context.Context, name string) error {
	keys := []string{
		appPrefix + name + ":releases", appPrefix + name + ":release_seq", appPrefix + name + ":latest_job",
		appPrefix + name + ":config", fmt.Sprintf(secretsFmt, name),
		// The audit trail outlives the app: what happened to it stays
		// readable after apps:destroy.
	}
	// Its domains are freed for other apps.
	domains, err := r.Domains(ctx, name)
	if err != nil {
		return err
	}
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, appsKey, name)
		p.Del(ctx, append(keys, appDomainsKey(name))...)
		if len(domains) > 0 {
			p.HDel(ctx, domainsKey, domains...)
		}
		return nil
	})
	return err
}

func (r *Redis) Config(ctx context.Context, app string) (map[string]string, error) {
	return r.rdb.HGetAll(ctx, appPrefix+app+":config").Result()
}

func (r *Redis) SetConfig(ctx context.Context, app string, set map[string]string, unset []string) error {
	key := appPrefix + app + ":config"
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(unset) > 0 {
			p.HDel(ctx, key, unset...)
		}
		if len(set) > 0 {
			p.HSet(ctx, key, set)
		}
		return nil
	})
	return err
}

func (r *Redis) ReplaceConfig(ctx context.Context, app string, cfg map[string]string) error {
	key := appPrefix + app + ":config"
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		if len(cfg) > 0 {
			p.HSet(ctx, key, cfg)
		}
		return nil
	})
	return err
}

func (r *Redis) CreateJob(ctx context.Context, j Job) error {
	if j.Created.IsZero() {
		j.Created = time.Now().UTC()
	}
	ok, err := r.rdb.SetNX(ctx, jobPrefix+j.ID, mustJSON(j), r.JobTTL).Result()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("job %s: %w", j.ID, ErrExists)
	}
	return nil
}

func (r *Redis) Job(ctx context.Context, id string) (Job, error) {
	var j Job
	s, err := r.rdb.Get(ctx, jobPrefix+id).Result()
	if errors.Is(err, redis.Nil) {
		return j, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, err
	}
	return j, json.Unmarshal([]byte(s), &j)
}

func (r *Redis) UpdateJob(ctx context.Context, j Job) error {
	return r.rdb.Set(ctx, jobPrefix+j.ID, mustJSON(j), r.JobTTL).Err()
}

// AppendLine adds a line to a job's log; a final state marks the last line.
func (r *Redis) AppendLine(ctx context.Context, id, text string, final JobState) error {
	key := jobPrefix + id + ":log"
	values := map[string]any{"t": time.Now().UTC().Format(time.RFC3339Nano), "x": text}
	if final != "" {
		values["s"] = string(final)
	}
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: key, MaxLen: r.LogLines, Approx: true, Values: values})
		p.Expire(ctx, key, r.JobTTL)
		return nil
	})
	return err
}

func (r *Redis) ReadLines(ctx context.Context, id, after string, block time.Duration) ([]Line, error) {
	if after == "" {
		after = "0"
	}
	key := jobPrefix + id + ":log"
	args := &redis.XReadArgs{Streams: []string{key, after}, Count: 1000, Block: block}
	if block <= 0 {
		args.Block = -1 // no BLOCK argument: return at once
	}
	res, err := r.rdb.XRead(ctx, args).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Line
	for _, s := range res {
		for _, m := range s.Messages {
			l := Line{ID: m.ID}
			l.Text, _ = m.Values["x"].(string)
			if t, ok := m.Values["t"].(string); ok {
				l.Time, _ = time.Parse(time.RFC3339Nano, t)
			}
			if st, ok := m.Values["s"].(string); ok {
				l.State = JobState(st)
			}
			out = append(out, l)
		}
	}
	return out, nil
}

func (r *Redis) SetLatestJob(ctx context.Context, app, id string) error {
	return r.rdb.Set(ctx, appPrefix+app+":latest_job", id, 0).Err()
}

func (r *Redis) LatestJob(ctx context.Context, app string) (string, error) {
	s, err := r.rdb.Get(ctx, appPrefix+app+":latest_job").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return s, err
}

func (r *Redis) RequestCancel(ctx context.Context, id string) error {
	return r.rdb.Set(ctx, jobPrefix+id+":cancel", "1", r.JobTTL).Err()
}

func (r *Redis) CancelRequested(ctx context.Context, id string) (bool, error) {
	n, err := r.rdb.Exists(ctx, jobPrefix+id+":cancel").Result()
	return n > 0, err
}

func (r *Redis) TryLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	return r.rdb.SetNX(ctx, lockPrefix+name, owner, ttl).Result()
}

// renewScript extends a lock only for its holder.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

func (r *Redis) RenewLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, r.rdb, []string{lockPrefix + name}, owner, ttl.Milliseconds()).Int()
	return n == 1, err
}

// unlockScript deletes a lock only for its holder.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0`)

func (r *Redis) Unlock(ctx context.Context, name, owner string) error {
	return unlockScript.Run(ctx, r.rdb, []string{lockPrefix + name}, owner).Err()
}

func (r *Redis) Secret(ctx context.Context, app, name string, gen func() (string, error)) (string, error) {
	key := fmt.Sprintf(secretsFmt, app)
	v, err := r.rdb.HGet(ctx, key, name).Result()
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, redis.Nil) {
		return "", err
	}
	nv, err := gen()
	if err != nil {
		return "", err
	}
	won, err := r.rdb.HSetNX(ctx, key, name, nv).Result()
	if err != nil || won {
		return nv, err
	}
	// Another writer won the race; theirs is the secret.
	return r.rdb.HGet(ctx, key, name).Result()
}
