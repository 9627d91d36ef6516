package manifest

import (
	"errors"
	"slices"
	"testing"
)

const pomSample = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.5</version>
    <relativePath/>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>orders</artifactId>
  <version>${revision}</version>
  <properties>
    <revision>1.4.0</revision>
    <java.version>21</java.version>
    <maven.compiler.release>${java.version}</maven.compiler.release>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <scope>runtime</scope>
    </dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>x</groupId><artifactId>managed-only</artifactId></dependency>
    </dependencies>
  </dependencyManagement>
  <build>
    <finalName>orders</finalName>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <configuration><release>17</release></configuration>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-shade-plugin</artifactId>
        <executions><execution><configuration>
          <transformers><transformer><mainClass>com.acme.Main</mainClass></transformer></transformers>
        </configuration></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
`

func TestPomParse(t *testing.T) {
	p, err := ParsePom([]byte(pomSample))
	if err != nil {
		t.Fatal(err)
	}
	if p.ArtifactID != "orders" || p.Packaging != "jar" || p.FinalName != "orders" {
		t.Errorf("pom = %+v", p)
	}
	if p.Parent == nil || p.Parent.ArtifactID != "spring-boot-starter-parent" {
		t.Errorf("parent = %+v", p.Parent)
	}
	if got := p.Resolve(p.Properties["maven.compiler.release"]); got != "21" {
		t.Errorf("release resolves to %q", got)
	}
	if got := p.Resolve("${project.version}"); got != "1.4.0" {
		t.Errorf("project.version resolves to %q", got)
	}
	if !p.HasDep("org.postgresql", "postgresql") || p.HasDep("", "managed-only") {
		t.Errorf("deps = %+v", p.Deps)
	}
	if pl := p.Plugin("maven-shade-plugin"); pl == nil || pl.MainClass != "com.acme.Main" {
		t.Errorf("shade plugin = %+v", pl)
	}
	if pl := p.Plugin("maven-compiler-plugin"); pl == nil || pl.Release != "17" {
		t.Errorf("compiler plugin = %+v", pl)
	}
}

func TestPomModulesAndLoops(t *testing.T) {
	p, err := ParsePom([]byte(`<project><artifactId>parent</artifactId><packaging>pom</packaging>
<modules><module>api</module><module> core </module></modules>
<properties><a>${b}</a><b>${a}</b></properties></project>`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Packaging != "pom" || !slices.Equal(p.Modules, []string{"api", "core"}) {
		t.Errorf("pom = %+v", p)
	}
	// Self-referencing properties stop expanding instead of looping.
	_ = p.Resolve("${a}")
}

func TestPomMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"<project>\n<artifactId>x</artifactId>\n<dependencies>\n</project>\n", 4},
		{"<?xml version=\"1.0\"?>\n\n<settings></settings>\n", 3},
		{"<project>\n<artifactId>x</artifactId>\n", 3},
		{"", 1},
	} {
		_, err := ParsePom([]byte(c.src))
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
	}
}

func FuzzPom(f *testing.F) {
	f.Add([]byte(pomSample))
	f.Add([]byte("<project><modules><module>a</module></modules></project>"))
	f.Add([]byte("<project><build><plugins><plugin><configuration><mainClass>x</mainClass></configuration></plugin></plugins></build></project>"))
	f.Add([]byte("<!DOCTYPE project [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><project>&x;</project>"))
	f.Add([]byte("<project><properties><a>${a}${a}</a></properties></project>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePom(data)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		for _, v := range p.Properties {
			_ = p.Resolve(v)
		}
	})
}
