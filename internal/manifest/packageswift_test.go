package manifest

import (
	"slices"
	"testing"
)

const swiftVapor = `// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "hello",
    platforms: [
       .macOS(.v13)
    ],
    dependencies: [
        // 💧 A server-side Swift web framework.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.99.3"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.8.0"),
        .package(path: "../Shared"),
    ],
    targets: [
        .executableTarget(
            name: "App",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AppTests", dependencies: [.target(name: "App")]),
    ]
)

var swiftSettings: [SwiftSetting] { [
    .enableUpcomingFeature("DisableOutwardActorInference"),
] }
`

func TestSwiftParsePackage(t *testing.T) {
	p, err := ParseSwiftPackage([]byte(swiftVapor))
	if err != nil {
		t.Fatal(err)
	}
	if p.ToolsVersion != "5.9" || p.Name != "hello" ||
		!slices.Equal(p.Deps, []string{"vapor", "fluent-postgres-driver"}) ||
		!slices.Equal(p.LocalPaths, []string{"../Shared"}) ||
		!slices.Equal(p.ExecutableTargets(), []string{"App"}) {
		t.Errorf("got %+v", p)
	}
	// .target(name: "App") inside a dependency list is a reference, not a
	// declaration, but it has the same shape: it must not add a target kind
	// other than regular.
	for _, tgt := range p.Targets {
		if tgt.Name == "App" && tgt.Kind != "executable" && tgt.Kind != "regular" {
			t.Errorf("target %+v", tgt)
		}
	}
	old, err := ParseSwiftPackage([]byte("// swift-tools-version: 5.5.0; (xcode)\nlet package = Package(name: \"Old\", products: [.executable(name: \"Run\", targets: [\"Run\"])], targets: [.target(name: \"App\"), .target(name: \"Run\", dependencies: [\"App\"])])\n"))
	if err != nil || old.ToolsVersion != "5.5.0" || !slices.Equal(old.Products, []string{"Run"}) || len(old.ExecutableTargets()) != 0 {
		t.Errorf("old style: %+v %v", old, err)
	}
}

func TestSwiftParsePackageMalformed(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"// swift-tools-version:5.9\nlet package = Package(\n  name: \"x\n)\n", 3},
		{"// swift-tools-version:5.9\nlet package = Package(\n  name: \"x\",\n", 2},
		{"/* never closed\n", 1},
	} {
		if _, err := ParseSwiftPackage([]byte(tc.src)); ErrorLine(err) != tc.line {
			t.Errorf("%q: %v, want line %d", tc.src, err, tc.line)
		}
	}
	if _, err := ParseSwiftPackage([]byte("import Foundation\n")); err == nil {
		t.Error("a manifest without Package( should fail")
	}
}

func FuzzSwiftPackage(f *testing.F) {
	f.Add(swiftVapor)
	f.Add("Package(name: \"\"\"\nx\"\"\", .package(id: \"a.b\"))")
	f.Add(".executableTarget(name:")
	f.Fuzz(func(t *testing.T, src string) {
		if p, _ := ParseSwiftPackage([]byte(src)); p == nil {
			t.Fatal("nil package")
		}
	})
}
