package dest

import (
	"strings"
	"testing"
)

func TestSafeFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"attachment; filename=Test-API-Export.csv", "Test-API-Export.csv"},
		{`attachment; filename="Nightly Banner.csv"`, "Nightly Banner.csv"},
		{`attachment; filename*=UTF-8''Zo%C3%AB%20Report.csv`, "Zoë Report.csv"},
		{`attachment; filename="../../etc/passwd"`, "passwd"},
		{`attachment; filename="..\\..\\windows\\win.ini"`, "win.ini"},
		{`attachment; filename="/abs/path.csv"`, "path.csv"},
		{`attachment; filename=".hidden"`, "hidden"},
		{`attachment; filename=".."`, ""},
		{`attachment; filename="."`, ""},
		{"attachment; filename=\"a\x01b.csv\"", "ab.csv"},
		{`attachment; filename="a\\x01b.csv"`, "x01b.csv"},
		{`attachment; filename="a<b>c:d|e?f*g.csv"`, "a_b_c_d_e_f_g.csv"},
		{`attachment; filename="trailing. "`, "trailing"},
		{`attachment`, ""},
		{``, ""},
		{`garbage;;;=`, ""},
		{`attachment; filename="` + strings.Repeat("é", 300) + `.csv"`, strings.Repeat("é", 98) + ".csv"},
	}
	for _, tt := range tests {
		if got := SafeFileName(tt.in); got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
