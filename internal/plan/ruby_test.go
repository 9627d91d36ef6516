package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func TestRubyGolden(t *testing.T) {
	pythonGolden(t, map[string]*topology.Service{
		"ruby-rails-assets": {
			Name: "shop", Path: ".", Kind: topology.KindWeb, Language: "ruby", Framework: "rails",
			PackageManager: "bundler", RuntimeVersion: "3.3.0", Port: 3000,
			StartCommand: "bundle exec puma -C config/puma.rb",
			HealthCheck:  &topology.HealthCheck{Path: "/up"},
			Build: topology.BuildHints{
				Assets: "node", AssetsBuild: "yarn build",
				Lockfiles: []string{"Gemfile", "Gemfile.lock", "yarn.lock", "package.json"},
				Extra: map[string]string{"assets_precompile": "1", "apt_build": "build-essential libpq-dev libyaml-dev",
					"apt_runtime": "libpq5", "node_lockfile": "yarn.lock"},
			},
		},
		"ruby-sinatra": {
			Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "ruby", Framework: "sinatra",
			PackageManager: "bundler", Port: 9292, StartCommand: "bundle exec rackup -o 0.0.0.0 -p $PORT",
			Build: topology.BuildHints{
				Lockfiles: []string{"Gemfile", "Gemfile.lock"},
				Extra:     map[string]string{"apt_build": "build-essential"},
			},
		},
		"ruby-sidekiq-worker": {
			Name: "jobs", Path: "jobs", Kind: topology.KindWorker, Language: "ruby",
			PackageManager: "bundler", RuntimeVersion: "~> 3.2", StartCommand: "bundle exec sidekiq -r ./worker.rb",
			Build: topology.BuildHints{Lockfiles: []string{"jobs/Gemfile"}, Extra: map[string]string{"bundle_local": "1"}},
		},
	})
}

func TestRubyImageOverride(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "ruby", Framework: "rails", PackageManager: "bundler",
		RuntimeVersion: "3.2.2", Port: 3000, StartCommand: "bundle exec rails server -b 0.0.0.0 -p $PORT",
		Build: topology.BuildHints{Lockfiles: []string{"Gemfile", "Gemfile.lock"}},
	}
	got, err := Generate(s, DefaultImages().With(map[string]string{"ruby": "mirror.local/ruby:{version:3.3}"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, "FROM mirror.local/ruby:3.2.2") != 2 {
		t.Errorf("both stages must build from the override:\n%s", got)
	}
	if strings.Contains(got, "assets:precompile") || strings.Contains(got, "apt-get") {
		t.Errorf("no asset pipeline and no native gems, yet:\n%s", got)
	}
}
