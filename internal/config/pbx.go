package config

import (
	"net/url"

	"reglament/internal/domain"
)

// PBXConnection is the pbx section of a workspace file: the company's
// telephone exchange (DESIGN.md section 12), at most one. Key is the API
// key the exchange issued (Mango Office's vpbx_api_key, Zadarma's key);
// SecretFile names a file holding its secret (Mango Office's salt,
// Zadarma's secret), made absolute like token_file. The section is read
// by `reglament pbx connect`, which checks the pair with one request and
// stores it sealed with the operator's secret key; apply checks the
// section and leaves the stored connection as it is.
type PBXConnection struct {
	Kind       string // domain.PBXMango or domain.PBXZadarma
	BaseURL    string // "" for the exchange's own API
	Key        string
	SecretFile string // "" when the secret comes from stdin
}

// PBXKinds lists the exchanges a workspace can connect to.
var PBXKinds = []string{domain.PBXMango, domain.PBXZadarma}

var pbxFields = []string{"kind", "base_url", "key", "secret_file"}

func init() {
	workspaceFields = append(workspaceFields, "pbx")
	for k, v := range map[string]string{
		"unknown telephone exchange %q (known: mango, zadarma)":      "неизвестная АТС %q (известны: mango, zadarma)",
		"invalid URL %q: want e.g. https://app.mango-office.ru/vpbx": "неверный адрес %q: нужен, например, https://app.mango-office.ru/vpbx",
	} {
		if _, ok := ruFormats[k]; !ok {
			ruFormats[k] = v
		}
	}
}

// ParsePBX reads the pbx section of a workspace file, nil when it has
// none. Problems are reported as ParseWorkspace reports them, with their
// lines; parse the file with ParseWorkspace first for the rest of it.
func ParsePBX(filename string, data []byte) (*PBXConnection, error) {
	p := &parser{file: filename}
	root := p.document(data)
	if root == nil {
		return nil, p.err()
	}
	c := p.pbxSection(p.mapping(root, "", workspaceFields))
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// pbxSection reads the pbx section of the workspace's top-level mapping f,
// nil when there is none.
func (p *parser) pbxSection(f fields) *PBXConnection {
	n, path, ok := f.get("pbx")
	if !ok {
		return nil
	}
	s := p.mapping(n, path, pbxFields)
	if !s.ok {
		return nil
	}
	c := &PBXConnection{}
	if n, path, ok := p.required(s, "kind"); ok {
		if kind, ok := p.nonEmpty(n, path); ok {
			if kind != domain.PBXMango && kind != domain.PBXZadarma {
				p.errorf(n, path, "unknown telephone exchange %q (known: mango, zadarma)", kind)
			}
			c.Kind = kind
		}
	}
	if n, path, ok := s.get("base_url"); ok {
		if v, ok := p.nonEmpty(n, path); ok {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.errorf(n, path, "invalid URL %q: want e.g. https://app.mango-office.ru/vpbx", v)
			}
			c.BaseURL = v
		}
	}
	if n, path, ok := p.required(s, "key"); ok {
		c.Key, _ = p.nonEmpty(n, path)
	}
	if n, path, ok := s.get("secret_file"); ok {
		c.SecretFile = p.filePath(n, path)
	}
	return c
}
