package manifest

import (
	"reflect"
	"testing"
)

func TestGemfileParse(t *testing.T) {
	data := `source "https://rubygems.org"
git_source(:github) { |repo| "https://github.com/#{repo}.git" }

ruby "3.3.0"

gem "rails", "~> 7.1.3", ">= 7.1.3.2"
gem 'pg', '~> 1.5' # postgres
gem "puma", ">= 5.0"
gem "redis", "~> 5.0", require: false
gem "bootsnap", require: false
gem "tzinfo-data", platforms: %i[ windows jruby ]
gem "version_from_env", "#{ENV["V"] || "1.0"}"
gem("sidekiq",
    "~> 7.2")
gem "admin", path: "engines/admin"
gem "tool", github: "acme/tool"

group :development, :test do
  gem "debug", platforms: %i[ mri windows ]
  gem "rspec-rails"
end

group :development do
  gem "web-console"
end

gem "rubocop", group: :development
gem "capybara", :group => [:test]
gem "newrelic_rpm", groups: [:production]

path "components" do
  gem "billing"
end

if ENV["EXTRA"]
  gem "extra"
end

platforms :jruby do
  gem "jdbc"
end
`
	f, err := ParseGemfile([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rails", "pg", "puma", "redis", "bootsnap", "tzinfo-data", "version_from_env", "sidekiq", "admin", "tool", "newrelic_rpm", "billing", "extra", "jdbc"}
	if got := f.Runtime(); !reflect.DeepEqual(got, want) {
		t.Errorf("runtime = %v\nwant      %v", got, want)
	}
	if f.Ruby != "3.3.0" || !reflect.DeepEqual(f.Sources, []string{"https://rubygems.org"}) {
		t.Errorf("ruby %q sources %v", f.Ruby, f.Sources)
	}
	byName := map[string]Gem{}
	for _, g := range f.Gems {
		byName[g.Name] = g
	}
	for name, want := range map[string]Gem{
		"rails":    {Name: "rails", Requirements: []string{"~> 7.1.3", ">= 7.1.3.2"}, Line: 6},
		"pg":       {Name: "pg", Requirements: []string{"~> 1.5"}, Line: 7},
		"sidekiq":  {Name: "sidekiq", Requirements: []string{"~> 7.2"}, Line: 13},
		"admin":    {Name: "admin", Path: "engines/admin", Line: 15},
		"tool":     {Name: "tool", Git: "acme/tool", Line: 16},
		"debug":    {Name: "debug", Groups: []string{"development", "test"}, Line: 19},
		"rubocop":  {Name: "rubocop", Groups: []string{"development"}, Line: 27},
		"capybara": {Name: "capybara", Groups: []string{"test"}, Line: 28},
		"billing":  {Name: "billing", Path: "components", Line: 32},
	} {
		if got := byName[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %+v, want %+v", name, got, want)
		}
	}
}

func TestGemfileRubyFileAndGemspec(t *testing.T) {
	f, err := ParseGemfile([]byte("source 'https://rubygems.org'\nruby file: \".ruby-version\"\ngemspec\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.RubyFile != ".ruby-version" || !f.Gemspec || f.Ruby != "" {
		t.Errorf("got %+v", f)
	}
}

func TestGemfileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
		gems       []string
	}{
		{"unterminated string", "gem \"rails\"\ngem \"pg\n gem \"puma\"\n", 2, []string{"rails", "puma"}},
		{"stray end", "gem \"rails\"\nend\ngem \"pg\"\n", 2, []string{"rails", "pg"}},
		{"unclosed block", "gem \"rails\"\ngroup :test do\n  gem \"rspec\"\n", 2, []string{"rails"}},
		{"gem without name", "gem\ngem \"pg\"\n", 1, []string{"pg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseGemfile([]byte(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if got := ErrorLine(err); got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
			if got := f.Runtime(); !reflect.DeepEqual(got, tc.gems) {
				t.Errorf("gems = %v, want %v", got, tc.gems)
			}
		})
	}
}

func TestGemfileLockParse(t *testing.T) {
	l, err := ParseGemfileLock([]byte(`GEM
  remote: https://rubygems.org/
  specs:
    actioncable (7.1.3)
      actionpack (= 7.1.3)
    nokogiri (1.16.2-x86_64-linux)
      racc (~> 1.4)
    pg (1.5.4)
    psych (5.1.2)
      stringio
    rack (3.0.9)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg (~> 1.5)

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.3
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"actioncable": "7.1.3", "nokogiri": "1.16.2-x86_64-linux", "pg": "1.5.4", "psych": "5.1.2", "rack": "3.0.9"}
	if !reflect.DeepEqual(l.Specs, want) || l.Ruby != "3.3.0" || l.Bundler != "2.5.3" {
		t.Errorf("got %+v", l)
	}
	_, err = ParseGemfileLock([]byte("GEM\n  specs:\n    pg (1.5\n<<<<<<< HEAD\n"))
	if ErrorLine(err) != 3 {
		t.Errorf("err = %v, want line 3", err)
	}
}

func FuzzGemfile(f *testing.F) {
	for _, s := range []string{
		"source \"https://rubygems.org\"\nruby \"3.3.0\"\ngem \"rails\", \"~> 7.1\"\n",
		"group :development, :test do\n  gem 'debug', platforms: %i[mri]\nend\n",
		"gem \"a\", :group => [:test]\ngem(\"b\",\n \"1\")\n", "gem \"#{x}\"\n", "gem \"a\n", "end\n",
		"if x\n gem 'y'\nend\n", "path 'c' do\n gem 'd'\nend\n", "gem \"a\", \\\n", "'",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGemfile(data)
		if g == nil {
			t.Fatal("nil result")
		}
		if err != nil && ErrorLine(err) <= 0 {
			t.Fatalf("error without a line: %v", err)
		}
		_ = g.Runtime()
	})
}

func FuzzGemfileLock(f *testing.F) {
	for _, s := range []string{
		"GEM\n  specs:\n    pg (1.5.4)\n\nRUBY VERSION\n   ruby 3.3.0p0\n", "GEM\n  specs:\n    x\n", "RUBY VERSION\n   ruby p\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, _ := ParseGemfileLock(data); l == nil {
			t.Fatal("nil result")
		}
	})
}
