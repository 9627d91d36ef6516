package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
)

// domainsKey maps every custom domain to its app, which is what keeps two
// apps from claiming one; each app's own set lists its domains.
const domainsKey = "kyozo:domains" // hash host → app

func appDomainsKey(app string) string { return appPrefix + app + ":domains" }

// addDomainsScript gives hosts (ARGV[2…]) to the app ARGV[1], all or none:
// it returns the first host another app has, with that app, or nothing.
var addDomainsScript = redis.NewScript(`
for i = 2, #ARGV do
	local owner = redis.call('HGET', KEYS[1], ARGV[i])
	if owner and owner ~= ARGV[1] then
		return {ARGV[i], owner}
	end
end
for i = 2, #ARGV do
	redis.call('HSET', KEYS[1], ARGV[i], ARGV[1])
	redis.call('SADD', KEYS[2], ARGV[i])
end
return {}
`)

// removeDomainsScript takes hosts away from the app ARGV[1], leaving any
// another app has alone, and returns how many it removed.
var removeDomainsScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV do
	if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
		redis.call('HDEL', KEYS[1], ARGV[i])
		n = n + redis.call('SREM', KEYS[2], ARGV[i])
	end
end
return n
`)

// AddDomains gives hosts to app in one step. When another app has one of
// them, nothing is added and the error wraps ErrExists.
func (r *Redis) AddDomains(ctx context.Context, app string, hosts []string) error {
	if len(hosts) == 0 {
		return nil
	}
	taken, err := addDomainsScript.Run(ctx, r.rdb, []string{domainsKey, appDomainsKey(app)}, domainArgs(app, hosts)...).StringSlice()
	if err != nil {
		return err
	}
	if len(taken) == 2 {
		return fmt.Errorf("domain %s: %w for another app", taken[0], ErrExists)
	}
	return nil
}

// RemoveDomains takes hosts away from app; those it does not have are
// ignored. It returns how many it removed.
func (r *Redis) RemoveDomains(ctx context.Context, app string, hosts []string) (int, error) {
	if len(hosts) == 0 {
		return 0, nil
	}
	return removeDomainsScript.Run(ctx, r.rdb, []string{domainsKey, appDomainsKey(app)}, domainArgs(app, hosts)...).Int()
}

// Domains returns app's custom domains, sorted.
func (r *Redis) Domains(ctx context.Context, app string) ([]string, error) {
	hosts, err := r.rdb.SMembers(ctx, appDomainsKey(app)).Result()
	if err != nil {
		return nil, err
	}
	slices.Sort(hosts)
	return hosts, nil
}

func domainArgs(app string, hosts []string) []any {
	args := make([]any, 0, len(hosts)+1)
	args = append(args, app)
	for _, h := range hosts {
		args = append(args, h)
	}
	return args
}
