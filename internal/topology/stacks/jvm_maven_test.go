// Tests of the Maven analysis: Spring Boot, Quarkus and Micronaut poms,
// reactors and their modules, thin jars, Kotlin sources, a malformed pom.

package stacks

import "testing"

const jvmTestSpringPom = `<?xml version="1.0" encoding="UTF-8"?>
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
  <version>0.0.1-SNAPSHOT</version>
  <properties>
    <java.version>21</java.version>
  </properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-test</artifactId><scope>test</scope></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>
    </plugins>
  </build>
</project>
`

func TestJVMMaven(t *testing.T) {
	spring := map[string]string{
		"pom.xml": jvmTestSpringPom,
		"src/main/java/com/acme/OrdersApplication.java": "package com.acme;\n",
		"src/main/resources/application.properties":     "spring.application.name=orders\nserver.port=8081\nserver.servlet.context-path=/api\n",
	}
	multi := map[string]string{
		"pom.xml": `<project><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version><packaging>pom</packaging>
<modules><module>api</module><module>core</module></modules>
<properties><maven.compiler.release>17</maven.compiler.release></properties></project>`,
		"api/pom.xml": `<project><parent><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version></parent>
<artifactId>api</artifactId>
<dependencies>
  <dependency><groupId>com.acme</groupId><artifactId>core</artifactId><version>${project.version}</version></dependency>
  <dependency><groupId>io.javalin</groupId><artifactId>javalin</artifactId><version>6.3.0</version></dependency>
</dependencies>
<build><plugins><plugin><artifactId>maven-shade-plugin</artifactId>
<configuration><transformers><transformer><mainClass>com.acme.api.Main</mainClass></transformer></transformers></configuration>
</plugin></plugins></build></project>`,
		"api/src/main/java/com/acme/api/Main.java": "",
		"core/pom.xml": `<project><parent><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version></parent>
<artifactId>core</artifactId></project>`,
		"core/src/main/java/com/acme/core/Core.java": "",
	}
	cases := []struct {
		name  string
		det   Detector
		files map[string]string
		dir   string
		want  jvmTestWant
	}{
		{"spring boot", Java{}, spring, ".", jvmTestWant{language: "java", pm: "maven", framework: "spring-boot", kind: "web", target: ".",
			build: "mvn -B -DskipTests package", start: "java -jar /app/app.jar", runtimeVersion: "21", port: 8081, portDefault: 8080,
			health: "/api/actuator/health", lockfiles: []string{"pom.xml"}, deps: []string{"org.postgresql:postgresql"},
			extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "target", "port-env": "SERVER_PORT"}, minScore: 0.9}},
		{"kotlin detector leaves java alone", Kotlin{}, spring, ".", jvmTestWant{nilResult: true}},
		{"reactor root", Java{}, multi, ".", jvmTestWant{workspaceOnly: true, members: []string{"api", "core"}}},
		{"reactor module", Java{}, multi, "api", jvmTestWant{kind: "web", target: "api", buildContext: ".", build: "mvn -B -DskipTests -pl api -am package",
			portDefault: 8080, runtimeVersion: "17", lockfiles: []string{"pom.xml", "api/pom.xml", "core/pom.xml"}, deps: []string{"com.acme:core"}, localPaths: []string{"core"},
			extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "api/target", "server": "javalin", "main-class": "com.acme.api.Main"}}},
		{"reactor library module", Java{}, multi, "core", jvmTestWant{library: true, runtimeVersion: "17"}},
		{"quarkus", Java{}, map[string]string{
			"pom.xml": `<project><groupId>org.acme</groupId><artifactId>greet</artifactId><version>1.0</version>
<properties><maven.compiler.release>17</maven.compiler.release></properties>
<dependencies>
 <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency>
 <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>
</dependencies>
<build><plugins><plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build></project>`,
			"src/main/resources/application.properties": "quarkus.http.port=8085\n",
		}, ".", jvmTestWant{framework: "quarkus", kind: "web", port: 8085, health: "/q/health", start: "java -jar /app/quarkus-run.jar",
			extra: map[string]string{"jvm-layout": "quarkus", "artifact-dir": "target/quarkus-app", "port-env": "QUARKUS_HTTP_PORT"}}},
		{"micronaut", Java{}, map[string]string{
			"pom.xml": `<project><parent><groupId>io.micronaut.platform</groupId><artifactId>micronaut-parent</artifactId><version>4.6.3</version></parent>
<artifactId>hello</artifactId><properties><jdk.version>17</jdk.version></properties>
<dependencies><dependency><groupId>io.micronaut</groupId><artifactId>micronaut-http-server-netty</artifactId></dependency>
<dependency><groupId>io.micronaut</groupId><artifactId>micronaut-management</artifactId></dependency></dependencies></project>`,
			"src/main/resources/application.yml": "micronaut:\n  application:\n    name: hello\n  server:\n    port: 8090\n",
		}, ".", jvmTestWant{framework: "micronaut", kind: "web", port: 8090, health: "/health", runtimeVersion: "17", extra: map[string]string{"jvm-layout": "jar"}}},
		{"spring boot without a web starter is a worker", Java{}, map[string]string{
			"pom.xml": `<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.5</version></parent>
<artifactId>batch</artifactId><properties><java.version>1.8</java.version></properties>
<dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-batch</artifactId></dependency></dependencies>
<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>`,
		}, ".", jvmTestWant{framework: "spring-boot", kind: "worker", runtimeVersion: "8"}},
		{"thin jar with exec main class", Java{}, map[string]string{
			"pom.xml": `<project><artifactId>tool</artifactId><build><plugins><plugin><artifactId>exec-maven-plugin</artifactId>
<configuration><mainClass>com.acme.Tool</mainClass></configuration></plugin></plugins></build></project>`,
			".sdkmanrc": "# sdkman\njava=21.0.2-tem\n",
		}, ".", jvmTestWant{start: "java -cp '/app/app.jar:/app/lib/*' com.acme.Tool", runtimeVersion: "21", extra: map[string]string{"jvm-layout": "classpath"}}},
		{"kotlin maven", Kotlin{}, map[string]string{
			"pom.xml":                        jvmTestSpringPom,
			"src/main/kotlin/Application.kt": "",
		}, ".", jvmTestWant{language: "kotlin", framework: "spring-boot"}},
		{"malformed pom", Java{}, map[string]string{
			"pom.xml": "<project>\n  <artifactId>x</artifactId>\n  <dependencies>\n</project>\n",
		}, ".", jvmTestWant{language: "java", library: true, warnLine: 4, maxScore: 0.35}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jvmTestCheck(t, detectIn(t, c.det, c.files, c.dir), c.want)
		})
	}
}
