import re, os, sys, json, glob
def funcs(path):
    s = open(path).read()
    out = {}
    for m in re.finditer(r'^func (?:\([^)]*\) )?(\w+)\(', s, re.M):
        start = m.start()
        end = s.find('\n}\n', start)
        out[m.group(1)] = s[start:end]
    return out
pat = re.compile(r'''(r\.Form\.Get\("([^"]+)"\)|r\.FormValue\("([^"]+)"\)|BoolValue\(r, "([^"]+)"\)|BoolValueOrDefault\(r, "([^"]+)"|Int64ValueOrZero\(r, "([^"]+)"\)|Int64ValueOrDefault\(r, "([^"]+)"|Uint32Value\(r, "([^"]+)"\)|r\.Form\["([^"]+)"\]|Query\(\)\.Get\("([^"]+)"\)|parseBytesFromFormValue\("([^"]+)"\))''')
ver = sys.argv[1]
res = {}
for f in sorted(glob.glob('/tmp/moby/%s/api/server/router/*/*.go' % ver)):
    if f.endswith('_test.go'): continue
    for name, body in funcs(f).items():
        keys = []
        for m in pat.finditer(body):
            whole = m.group(1)
            k = next(g for g in m.groups()[1:] if g)
            kind = whole.split('(')[0].split('[')[0]
            keys.append((k, kind))
        flags = []
        if 'httputils.ParseForm(r)' in body: flags.append('ParseForm')
        if 'ArchiveFormValues' in body: flags.append('ArchiveFormValues(ParseForm)')
        if 'ReadJSON' in body: flags.append('ReadJSON')
        if 'CheckForJSON' in body: flags.append('CheckForJSON')
        if 'json.NewDecoder(r.Body)' in body: flags.append('json.NewDecoder(r.Body)')
        if 'DecodeConfig' in body: flags.append('DecodeConfig')
        if 'r.Body' in body: flags.append('uses r.Body')
        if 'Hijack' in body: flags.append('hijack')
        if keys or flags:
            seen=[]; 
            for k in keys:
                if k not in seen: seen.append(k)
            res[f.split('/router/')[1]+':'+name] = {'keys': seen, 'flags': flags}
for k,v in res.items():
    print(k, ' | '.join(v['flags']), ' || ', ', '.join('%s[%s]'%(a,b) for a,b in v['keys']))
