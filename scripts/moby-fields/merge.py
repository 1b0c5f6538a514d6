import json
ORDER=[('v1.12.0','1.24'),('v1.13.0','1.25'),('v1.13.1','1.26'),('v17.03.1-ce','1.27'),('v17.04.0-ce','1.28'),('v17.05.0-ce','1.29'),('v17.06.0-ce','1.30'),('v17.07.0-ce','1.31'),('v17.09.0-ce','1.32'),('v17.10.0-ce','1.33'),('v17.11.0-ce','1.34'),('v17.12.0-ce','1.35'),('v18.02.0-ce','1.36'),('v18.03.0-ce','1.37'),('v18.06.0-ce','1.38'),('v18.09.0','1.39'),('v19.03.0','1.40'),('v20.10.0','1.41'),('v20.10.24','1.41'),('v23.0.0','1.42'),('v24.0.0','1.43'),('v25.0.0','1.44'),('v26.0.0','1.45'),('v26.1.5','1.45'),('v27.0.1','1.46'),('v27.2.0','1.47'),('v28.0.0','1.48'),('v28.1.0','1.49'),('v28.2.0','1.50'),('v28.3.0','1.51'),('v28.5.2','1.51')]
ENGINES={'v20.10.24':'20.10','v26.1.5':'26.1','v28.5.2':'28.5'}
D={t:json.load(open('/tmp/fieldtool/out/%s.json'%t)) for t,_ in ORDER}

def node_at(desc, path):
    # path: list of steps: ('f',name) | ('elem',) | ('val',)
    for st in path:
        if desc is None: return None
        if st[0]=='f':
            desc=(desc.get('fields') or {}).get(st[1])
        elif st[0]=='elem':
            desc=desc.get('elem') if desc.get('kind') in ('array',) else None
        elif st[0]=='val':
            desc=desc.get('elem') if desc.get('kind')=='map' else None
    return desc

def merge(label, root_path=()):
    """Return merged tree for label: {kind, go, presence:[api...], fields/elem/...}"""
    def rec(path):
        pres=[]; latest=None; kinds=[]
        for t,api in ORDER:
            if label not in D[t]: continue
            n=node_at(D[t][label], list(root_path)+path)
            if n is not None:
                pres.append((t,api)); latest=n; kinds.append((api,n['kind'],n.get('go')))
        if latest is None: return None
        out={'kind':latest['kind'],'go':latest.get('go'),'goName':latest.get('goName'),'custom':latest.get('custom'),'presence':pres,'kinds':kinds}
        if latest.get('len'): out['len']=latest['len']
        # union of field names across all versions
        names=[]
        for t,api in ORDER:
            if label not in D[t]: continue
            n=node_at(D[t][label], list(root_path)+path)
            if n and n.get('kind')=='object' and n.get('fields'):
                for k in n['fields']:
                    if k not in names: names.append(k)
        if names:
            out['fields']={k:rec(path+[('f',k)]) for k in sorted(names, key=str.lower)}
        if latest['kind']=='array':
            e=rec(path+[('elem',)])
            if e: out['elem']=e
        if latest['kind']=='map':
            e=rec(path+[('val',)])
            if e: out['val']=e
        return out
    return rec([])

def label_presence(label):
    return [(t,api) for t,api in ORDER if label in D[t]]

def since_until(node, parent_pres):
    """since: first api where present, if later than parent's first; until: first api after last presence where parent still present."""
    pres=node['presence']; apis=[a for _,a in pres]
    ptags=[t for t,_ in parent_pres]
    first_parent_api=parent_pres[0][1]
    s=apis[0] if apis[0]!=first_parent_api else None
    # until: find last tag in parent presence where node present, next parent tag api
    tags=[t for t,_ in pres]
    u=None
    last_idx=max(ptags.index(t) for t in tags)
    if last_idx < len(ptags)-1:
        u=parent_pres[last_idx+1][1]
    # gaps
    gap=False
    first_idx=min(ptags.index(t) for t in tags)
    for i in range(first_idx,last_idx+1):
        if ptags[i] not in tags: gap=True
    engines=[ENGINES[t] for t in tags if t in ENGINES]
    return s,u,gap,engines
