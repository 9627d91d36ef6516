package stacks

import "testing"

const rubyRailsGemfile = `source "https://rubygems.org"

ruby "3.3.0"

gem "rails", "~> 7.1.3"
gem "propshaft"
gem "pg", "~> 1.5"
gem "puma", ">= 5.0"
gem "jsbundling-rails"
gem "sidekiq"

group :development, :test do
  gem "debug", platforms: %i[ mri windows ]
end
`

const rubyRailsLock = `GEM
  remote: https://rubygems.org/
  specs:
    pg (1.5.4)
    propshaft (0.8.0)
    psych (5.1.2)
    puma (6.4.2)
      nio4r (~> 2.0)
    rails (7.1.3)

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.3
`

func TestRubyDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		want  pythonWant
	}{
		{
			name: "rails with puma config and assets",
			files: map[string]string{
				"Gemfile":               rubyRailsGemfile,
				"Gemfile.lock":          rubyRailsLock,
				"config/application.rb": "module Shop\n  class Application < Rails::Application\n  end\nend\n",
				"config/puma.rb":        "port ENV.fetch(\"PORT\") { 3000 }\n",
				"config/routes.rb":      "Rails.application.routes.draw do\n  get \"up\" => \"rails/health#show\"\nend\n",
				"package.json":          `{"scripts":{"build":"esbuild app/javascript/*.* --bundle --outdir=app/assets/builds"}}`,
				"yarn.lock":             "",
			},
			want: pythonWant{Framework: "rails", PackageManager: "bundler", PortDefault: 3000, Version: "3.3.0",
				Start: "bundle exec puma -C config/puma.rb", Deps: []string{"pg", "puma", "rails", "sidekiq"}, NotDeps: []string{"debug"},
				Lockfiles:   []string{"Gemfile", "Gemfile.lock"},
				Extra:       map[string]string{"assets_precompile": "1", "apt_build": "build-essential libpq-dev libyaml-dev", "apt_runtime": "libpq5", "node_lockfile": "yarn.lock"},
				Entrypoints: []string{"config/routes.rb", "config/puma.rb"}, MinScore: 0.9},
		},
		{
			name: "rails api without puma config",
			files: map[string]string{
				"Gemfile":               "source 'https://rubygems.org'\ngem 'rails'\n",
				"config/application.rb": "",
				".ruby-version":         "ruby-3.2.2\n",
			},
			want: pythonWant{Framework: "rails", PackageManager: "bundler", Version: "3.2.2",
				Start: "bundle exec rails server -b 0.0.0.0 -p $PORT", Extra: map[string]string{"assets_precompile": "", "apt_build": ""}},
		},
		{
			name: "sinatra with config.ru",
			files: map[string]string{
				"Gemfile":   "source 'https://rubygems.org'\ngem 'sinatra'\ngem 'rackup'\ngem 'puma'\n",
				"config.ru": "require './app'\nrun Sinatra::Application\n",
				"app.rb":    "require 'sinatra'\nget('/') { 'hi' }\n",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", PortDefault: 9292,
				Start: "bundle exec rackup -o 0.0.0.0 -p $PORT", Extra: map[string]string{"apt_build": "build-essential"}},
		},
		{
			name: "sinatra 4 with puma and no rackup gem",
			files: map[string]string{
				"Gemfile":   "source 'https://rubygems.org'\ngem 'sinatra', '~> 4.0'\ngem 'puma'\n",
				"config.ru": "require './app'\nrun App\n",
				"app.rb":    "require 'sinatra/base'\nclass App < Sinatra::Base\nend\n",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", PortDefault: 9292,
				Start: "bundle exec puma -b tcp://0.0.0.0:$PORT"},
		},
		{
			name: "sinatra classic",
			files: map[string]string{
				"Gemfile": "source 'https://rubygems.org'\ngem 'sinatra'\n",
				"web.rb":  "require 'sinatra'\n",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", PortDefault: 4567,
				Start: "bundle exec ruby web.rb -o 0.0.0.0 -p $PORT"},
		},
		{
			name: "rack 3 app served by puma",
			files: map[string]string{
				"Gemfile":      "gem 'roda'\ngem 'puma'\n",
				"Gemfile.lock": "GEM\n  specs:\n    puma (6.4.2)\n    rack (3.0.9)\n    roda (3.77.0)\n",
				"config.ru":    "run App\n",
			},
			want: pythonWant{PackageManager: "bundler", PortDefault: 9292, Start: "bundle exec puma -b tcp://0.0.0.0:$PORT"},
		},
		{
			name: "sidekiq worker",
			files: map[string]string{
				"Gemfile":   "gem 'sidekiq'\ngem 'pg', git: 'https://github.com/ged/ruby-pg'\n",
				"worker.rb": "require 'sidekiq'\nclass Job\n  include Sidekiq::Job\nend\n",
			},
			want: pythonWant{PackageManager: "bundler", Kind: "worker", Start: "bundle exec sidekiq -r ./worker.rb",
				Extra: map[string]string{"apt_build": "build-essential git libpq-dev"}},
		},
		{
			name:  "resque worker",
			files: map[string]string{"Gemfile": "gem 'resque'\n", "Rakefile": "require 'resque/tasks'\n"},
			want:  pythonWant{PackageManager: "bundler", Kind: "worker", Start: "QUEUE=* bundle exec rake resque:work"},
		},
		{
			name:  "good_job worker",
			files: map[string]string{"Gemfile": "gem 'good_job'\ngem 'activerecord'\n"},
			want:  pythonWant{PackageManager: "bundler", Kind: "worker", Start: "bundle exec good_job start"},
		},
		{
			name:  "plain ruby entry",
			files: map[string]string{"Gemfile": "gem 'webrick'\n", "server.rb": "require 'webrick'\n"},
			want:  pythonWant{PackageManager: "bundler", Start: "bundle exec ruby server.rb", MinScore: 0.7, MaxScore: 0.7},
		},
		{
			name: "gem library",
			files: map[string]string{
				"Gemfile":       "source 'https://rubygems.org'\ngemspec\n",
				"mylib.gemspec": "",
				"lib/mylib.rb":  "",
			},
			want: pythonWant{PackageManager: "bundler", Library: true, Extra: map[string]string{"bundle_local": "1"}},
		},
		{
			name: "version from Gemfile ruby file",
			files: map[string]string{
				"Gemfile":    "ruby file: '.tool-ruby'\ngem 'sinatra'\n",
				".tool-ruby": "3.1.4\n",
				"app.rb":     "require 'sinatra'\n",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", Version: "3.1.4",
				Start: "bundle exec ruby app.rb -o 0.0.0.0 -p $PORT"},
		},
		{
			name: "version from tool-versions",
			files: map[string]string{
				"Gemfile":        "gem 'sinatra'\n",
				"config.ru":      "",
				".tool-versions": "ruby 3.3.1\nnodejs 20\n",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", Version: "3.3.1", Start: "bundle exec rackup -o 0.0.0.0 -p $PORT"},
		},
		{
			name:  "mounted rack app inside a rails app",
			files: map[string]string{"Gemfile": "gem 'rails'\n", "config/application.rb": "", "spec/dummy/config.ru": ""},
			dir:   "spec/dummy",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "not ruby at all",
			files: map[string]string{"app.rb.txt": ""},
			want:  pythonWant{Nil: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = "."
			}
			pythonCheck(t, detectIn(t, Ruby{}, tc.files, dir), tc.want)
		})
	}
}

func TestRubyMalformed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  pythonWant
	}{
		{
			name: "gemfile string",
			files: map[string]string{
				"Gemfile":               "gem \"rails\"\ngem \"pg\n",
				"config/application.rb": "",
			},
			want: pythonWant{Framework: "rails", PackageManager: "bundler", Start: "bundle exec rails server -b 0.0.0.0 -p $PORT",
				WarnFile: "Gemfile", WarnLine: 2, MaxScore: 0.7, MinScore: 0.7, Deps: []string{"rails"}},
		},
		{
			name: "gemfile block never closed",
			files: map[string]string{
				"Gemfile":   "gem 'sinatra'\ngroup :test do\n  gem 'rspec'\n",
				"config.ru": "",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", Start: "bundle exec rackup -o 0.0.0.0 -p $PORT",
				WarnFile: "Gemfile", WarnLine: 2, MaxScore: 0.7},
		},
		{
			name: "lockfile conflict",
			files: map[string]string{
				"Gemfile":      "gem 'sinatra'\n",
				"Gemfile.lock": "GEM\n  specs:\n<<<<<<< HEAD\n    sinatra (4.0.0)\n",
				"config.ru":    "",
			},
			want: pythonWant{Framework: "sinatra", PackageManager: "bundler", Start: "bundle exec rackup -o 0.0.0.0 -p $PORT",
				WarnFile: "Gemfile.lock", WarnLine: 3, MaxScore: 0.7},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pythonCheck(t, detectIn(t, Ruby{}, tc.files, "."), tc.want)
		})
	}
}
