/**
 * The JSON fields dockerd decodes for each request body the plugin judges, for the engines
 * dockauth supports (dockerd 20.10 = API 1.41, 26.1 = 1.45, 28.5 = 1.51).
 *
 * GENERATED from moby's source by scripts/moby-fields (reflection over the Go types of each
 * engine release, with encoding/json's field-resolution rules); see docs/engine-inputs.md.
 * Do not edit by hand: regenerate, then review the diff.
 *
 * `since` / `until` (exclusive) are API versions; `engines` lists which of the three decode
 * a key (absent: all). The plugin accepts the union: a key any supported engine decodes is
 * judged by the rules; a key none decodes is refused by name.
 */
export type EngineVersion = '20.10' | '26.1' | '28.5';

export interface FieldSpec {
  since?: string;
  until?: string;
  kind: 'string' | 'bool' | 'int' | 'number' | 'object' | 'array' | 'map' | 'strslice' | 'any';
  /** Keys of an object; for an array of objects, the keys of each item. */
  fields?: Record<string, FieldSpec>;
  /** Element of an array whose items are not objects. */
  items?: FieldSpec;
  /** Value of a map (keys are always strings). */
  values?: FieldSpec;
  engines?: EngineVersion[];
  /** Go field name when it differs from the JSON key (matching is case-insensitive anyway). */
  goName?: string;
  notes?: string;
}

/** container.Config: the Config keys that sit at the top level of a create/commit body. */
export const CONTAINER_CONFIG: Record<string, FieldSpec> = {
  ArgsEscaped: {
    kind: "bool",
  },
  AttachStderr: {
    kind: "bool",
  },
  AttachStdin: {
    kind: "bool",
  },
  AttachStdout: {
    kind: "bool",
  },
  Cmd: {
    kind: "strslice",
  },
  Domainname: {
    kind: "string",
  },
  Entrypoint: {
    kind: "strslice",
  },
  Env: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  ExposedPorts: {
    kind: "map",
    values: {
      kind: "object",
      fields: {},
    },
  },
  Healthcheck: {
    kind: "object",
    fields: {
      Interval: {
        kind: "int",
      },
      Retries: {
        kind: "int",
      },
      StartInterval: {
        kind: "int",
        since: "1.44",
        engines: ["26.1", "28.5"],
        notes: "cleared when the request API version is < 1.44",
      },
      StartPeriod: {
        kind: "int",
        since: "1.29",
      },
      Test: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      Timeout: {
        kind: "int",
      },
    },
  },
  Hostname: {
    kind: "string",
  },
  Image: {
    kind: "string",
  },
  Labels: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  MacAddress: {
    kind: "string",
    notes: "container-wide MAC: request API < 1.44 -> moved to the endpoint of NetworkMode; >= 1.44 deprecated, migrated with a warning (must equal the endpoint MacAddress)",
  },
  NetworkDisabled: {
    kind: "bool",
  },
  OnBuild: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  OpenStdin: {
    kind: "bool",
  },
  Shell: {
    kind: "strslice",
  },
  StdinOnce: {
    kind: "bool",
  },
  StopSignal: {
    kind: "string",
  },
  StopTimeout: {
    kind: "int",
    since: "1.25",
  },
  Tty: {
    kind: "bool",
  },
  User: {
    kind: "string",
  },
  Volumes: {
    kind: "map",
    values: {
      kind: "object",
      fields: {},
    },
  },
  WorkingDir: {
    kind: "string",
  },
};

/** container.HostConfig (incl. the embedded Resources) as decoded under "HostConfig" of a create body. */
export const HOST_CONFIG: Record<string, FieldSpec> = {
  Annotations: {
    kind: "map",
    since: "1.43",
    engines: ["26.1", "28.5"],
    values: {
      kind: "string",
    },
    notes: "cleared when the request API version is < 1.43",
  },
  AutoRemove: {
    kind: "bool",
    since: "1.25",
    notes: "create forces false when the request API version is < 1.25",
  },
  Binds: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  BlkioDeviceReadBps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceReadIOps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceWriteBps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceWriteIOps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioWeight: {
    kind: "int",
  },
  BlkioWeightDevice: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Weight: {
        kind: "int",
      },
    },
  },
  CapAdd: {
    kind: "strslice",
  },
  CapDrop: {
    kind: "strslice",
  },
  Cgroup: {
    kind: "string",
  },
  CgroupnsMode: {
    kind: "string",
    since: "1.41",
    notes: "request API < 1.41 on cgroup v1 hosts: empty means \"host\"",
  },
  CgroupParent: {
    kind: "string",
  },
  ConsoleSize: {
    kind: "array",
    items: {
      kind: "int",
    },
    notes: "fixed-length array of 2; cleared on Linux when the request API version is < 1.42 (26.1/28.5)",
  },
  ContainerIDFile: {
    kind: "string",
  },
  CpuCount: {
    kind: "int",
    since: "1.25",
    goName: "CPUCount",
  },
  CpuPercent: {
    kind: "int",
    goName: "CPUPercent",
  },
  CpuPeriod: {
    kind: "int",
    goName: "CPUPeriod",
  },
  CpuQuota: {
    kind: "int",
    goName: "CPUQuota",
  },
  CpuRealtimePeriod: {
    kind: "int",
    since: "1.25",
    goName: "CPURealtimePeriod",
  },
  CpuRealtimeRuntime: {
    kind: "int",
    since: "1.25",
    goName: "CPURealtimeRuntime",
  },
  CpusetCpus: {
    kind: "string",
  },
  CpusetMems: {
    kind: "string",
  },
  CpuShares: {
    kind: "int",
    goName: "CPUShares",
  },
  DeviceCgroupRules: {
    kind: "array",
    since: "1.28",
    items: {
      kind: "string",
    },
  },
  DeviceRequests: {
    kind: "array",
    since: "1.40",
    fields: {
      Capabilities: {
        kind: "array",
        items: {
          kind: "array",
          items: {
            kind: "string",
          },
        },
      },
      Count: {
        kind: "int",
      },
      DeviceIDs: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      Driver: {
        kind: "string",
      },
      Options: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
    },
  },
  Devices: {
    kind: "array",
    fields: {
      CgroupPermissions: {
        kind: "string",
      },
      PathInContainer: {
        kind: "string",
      },
      PathOnHost: {
        kind: "string",
      },
    },
  },
  Dns: {
    kind: "array",
    goName: "DNS",
    items: {
      kind: "string",
    },
  },
  DnsOptions: {
    kind: "array",
    goName: "DNSOptions",
    items: {
      kind: "string",
    },
  },
  DnsSearch: {
    kind: "array",
    goName: "DNSSearch",
    items: {
      kind: "string",
    },
  },
  ExtraHosts: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  GroupAdd: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  Init: {
    kind: "bool",
    since: "1.25",
  },
  IOMaximumBandwidth: {
    kind: "int",
  },
  IOMaximumIOps: {
    kind: "int",
  },
  IpcMode: {
    kind: "string",
    notes: "request API < 1.40: empty means \"shareable\"",
  },
  Isolation: {
    kind: "string",
  },
  KernelMemory: {
    kind: "int",
    notes: "ignored (zeroed) by 26.1/28.5 when the request API version is >= 1.42; honoured by 20.10 (cgroup v1 only)",
  },
  KernelMemoryTCP: {
    kind: "int",
    since: "1.40",
    notes: "zeroed when the request API version is < 1.40; deprecated in 1.51",
  },
  Links: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  LogConfig: {
    kind: "object",
    fields: {
      Config: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
      Type: {
        kind: "string",
      },
    },
  },
  MaskedPaths: {
    kind: "array",
    since: "1.38",
    items: {
      kind: "string",
    },
  },
  Memory: {
    kind: "int",
  },
  MemoryReservation: {
    kind: "int",
  },
  MemorySwap: {
    kind: "int",
  },
  MemorySwappiness: {
    kind: "int",
  },
  Mounts: {
    kind: "array",
    since: "1.25",
    fields: {
      BindOptions: {
        kind: "object",
        fields: {
          CreateMountpoint: {
            kind: "bool",
            since: "1.42",
            engines: ["26.1", "28.5"],
            notes: "zeroed when the request API version is < 1.42",
          },
          NonRecursive: {
            kind: "bool",
            since: "1.40",
            notes: "zeroed when the request API version is < 1.40",
          },
          Propagation: {
            kind: "string",
          },
          ReadOnlyForceRecursive: {
            kind: "bool",
            since: "1.44",
            engines: ["26.1", "28.5"],
            notes: "rejected when the request API version is < 1.44",
          },
          ReadOnlyNonRecursive: {
            kind: "bool",
            since: "1.44",
            engines: ["26.1", "28.5"],
          },
        },
        notes: "set on a mount whose Type is not \"bind\": rejected for request API >= 1.42 (kept below)",
      },
      ClusterOptions: {
        kind: "object",
        since: "1.42",
        engines: ["26.1", "28.5"],
        fields: {},
      },
      Consistency: {
        kind: "string",
        since: "1.28",
      },
      ImageOptions: {
        kind: "object",
        since: "1.48",
        engines: ["28.5"],
        fields: {
          Subpath: {
            kind: "string",
          },
        },
        notes: "Type \"image\" mounts are rejected when the request API version is < 1.48",
      },
      ReadOnly: {
        kind: "bool",
      },
      Source: {
        kind: "string",
      },
      Target: {
        kind: "string",
      },
      TmpfsOptions: {
        kind: "object",
        fields: {
          Mode: {
            kind: "int",
          },
          Options: {
            kind: "array",
            since: "1.46",
            engines: ["28.5"],
            items: {
              kind: "array",
              items: {
                kind: "string",
              },
            },
          },
          SizeBytes: {
            kind: "int",
          },
        },
        notes: "set on a mount of another Type: silently dropped for request API < 1.42, rejected for >= 1.42",
      },
      Type: {
        kind: "string",
      },
      VolumeOptions: {
        kind: "object",
        fields: {
          DriverConfig: {
            kind: "object",
            fields: {
              Name: {
                kind: "string",
              },
              Options: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
          Labels: {
            kind: "map",
            values: {
              kind: "string",
            },
          },
          NoCopy: {
            kind: "bool",
          },
          Subpath: {
            kind: "string",
            since: "1.45",
            engines: ["26.1", "28.5"],
            notes: "rejected when the request API version is < 1.45",
          },
        },
        notes: "set on a mount of another Type: silently dropped for request API < 1.42, rejected for >= 1.42",
      },
    },
  },
  NanoCpus: {
    kind: "int",
    since: "1.25",
    goName: "NanoCPUs",
  },
  NetworkMode: {
    kind: "string",
  },
  OomKillDisable: {
    kind: "bool",
  },
  OomScoreAdj: {
    kind: "int",
  },
  PidMode: {
    kind: "string",
  },
  PidsLimit: {
    kind: "int",
    notes: "0 or negative = unlimited",
  },
  PortBindings: {
    kind: "map",
    values: {
      kind: "array",
      fields: {
        HostIp: {
          kind: "string",
          goName: "HostIP",
        },
        HostPort: {
          kind: "string",
        },
      },
    },
  },
  Privileged: {
    kind: "bool",
  },
  PublishAllPorts: {
    kind: "bool",
  },
  ReadonlyPaths: {
    kind: "array",
    since: "1.38",
    items: {
      kind: "string",
    },
  },
  ReadonlyRootfs: {
    kind: "bool",
  },
  RestartPolicy: {
    kind: "object",
    fields: {
      MaximumRetryCount: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
    },
  },
  Runtime: {
    kind: "string",
  },
  SecurityOpt: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  ShmSize: {
    kind: "int",
  },
  StorageOpt: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  Sysctls: {
    kind: "map",
    values: {
      kind: "string",
    },
    notes: "28.5: net.<x>.<y>.eth<N>.<z> keys are migrated into the primary endpoint DriverOpts[\"com.docker.network.endpoint.sysctls\"] for request API 1.46/1.47 and rejected for > 1.47",
  },
  Tmpfs: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  Ulimits: {
    kind: "array",
    fields: {
      Hard: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
      Soft: {
        kind: "int",
      },
    },
  },
  UsernsMode: {
    kind: "string",
  },
  UTSMode: {
    kind: "string",
  },
  VolumeDriver: {
    kind: "string",
  },
  VolumesFrom: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
};

/** network.NetworkingConfig ("NetworkingConfig" of a create body). */
export const NETWORKING_CONFIG: Record<string, FieldSpec> = {
  EndpointsConfig: {
    kind: "map",
    values: {
      kind: "object",
      fields: {
        Aliases: {
          kind: "array",
          items: {
            kind: "string",
          },
        },
        DNSNames: {
          kind: "array",
          since: "1.44",
          engines: ["26.1", "28.5"],
          items: {
            kind: "string",
          },
        },
        DriverOpts: {
          kind: "map",
          since: "1.30",
          values: {
            kind: "string",
          },
          notes: "key \"com.docker.network.endpoint.sysctls\" (API 1.46+, 28.5) sets per-interface sysctls (comma-separated, IFNAME placeholder)",
        },
        EndpointID: {
          kind: "string",
        },
        Gateway: {
          kind: "string",
        },
        GlobalIPv6Address: {
          kind: "string",
        },
        GlobalIPv6PrefixLen: {
          kind: "int",
        },
        GwPriority: {
          kind: "int",
          since: "1.48",
          engines: ["28.5"],
          notes: "create: zeroed when the request API version is < 1.48",
        },
        IPAddress: {
          kind: "string",
        },
        IPAMConfig: {
          kind: "object",
          fields: {
            IPv4Address: {
              kind: "string",
            },
            IPv6Address: {
              kind: "string",
            },
            LinkLocalIPs: {
              kind: "array",
              items: {
                kind: "string",
              },
            },
          },
        },
        IPPrefixLen: {
          kind: "int",
        },
        IPv6Gateway: {
          kind: "string",
        },
        Links: {
          kind: "array",
          items: {
            kind: "string",
          },
        },
        MacAddress: {
          kind: "string",
          notes: "create: discarded when the request API version is < 1.44 (unless migrated from Config.MacAddress)",
        },
        NetworkID: {
          kind: "string",
        },
      },
    },
    notes: "map key = network name/id; more than one entry is rejected when the request API version is < 1.44; key \"default\" is renamed to the default network",
  },
};

/** Top-level keys of POST /containers/create (configWrapper / container.CreateRequest).
 *  = every CONTAINER_CONFIG key, plus "HostConfig" and "NetworkingConfig", plus (20.10/26.1 only, until 1.46)
 *  every HostConfig key and "Cpuset" at the top level. */
export const CONTAINER_CREATE_BODY: Record<string, FieldSpec> = {
  ...CONTAINER_CONFIG,
  Annotations: {
    kind: "map",
    since: "1.43",
    until: "1.46",
    engines: ["26.1"],
    values: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; cleared when the request API version is < 1.43",
  },
  AutoRemove: {
    kind: "bool",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; create forces false when the request API version is < 1.25",
  },
  Binds: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioDeviceReadBps: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioDeviceReadIOps: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioDeviceWriteBps: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioDeviceWriteIOps: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioWeight: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  BlkioWeightDevice: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Path: {
        kind: "string",
      },
      Weight: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CapAdd: {
    kind: "strslice",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CapDrop: {
    kind: "strslice",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Cgroup: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CgroupnsMode: {
    kind: "string",
    since: "1.41",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; request API < 1.41 on cgroup v1 hosts: empty means \"host\"",
  },
  CgroupParent: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  ConsoleSize: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "int",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; fixed-length array of 2; cleared on Linux when the request API version is < 1.42 (26.1/28.5)",
  },
  ContainerIDFile: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuCount: {
    kind: "int",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPUCount",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuPercent: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPUPercent",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuPeriod: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPUPeriod",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuQuota: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPUQuota",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuRealtimePeriod: {
    kind: "int",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPURealtimePeriod",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuRealtimeRuntime: {
    kind: "int",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPURealtimeRuntime",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Cpuset: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy wrapper field (20.10/26.1 only): copied into HostConfig.CpusetCpus when that is empty",
  },
  CpusetCpus: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no \"HostConfig\" key (or HostConfig:null) is sent; when \"HostConfig\" is also sent, this top-level value is still copied into HostConfig.CpusetCpus if that is zero/empty",
  },
  CpusetMems: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  CpuShares: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "CPUShares",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no \"HostConfig\" key (or HostConfig:null) is sent; when \"HostConfig\" is also sent, this top-level value is still copied into HostConfig.CpuShares if that is zero/empty",
  },
  DeviceCgroupRules: {
    kind: "array",
    since: "1.28",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  DeviceRequests: {
    kind: "array",
    since: "1.40",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Capabilities: {
        kind: "array",
        items: {
          kind: "array",
          items: {
            kind: "string",
          },
        },
      },
      Count: {
        kind: "int",
      },
      DeviceIDs: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      Driver: {
        kind: "string",
      },
      Options: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Devices: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      CgroupPermissions: {
        kind: "string",
      },
      PathInContainer: {
        kind: "string",
      },
      PathOnHost: {
        kind: "string",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Dns: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "DNS",
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  DnsOptions: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "DNSOptions",
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  DnsSearch: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "DNSSearch",
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  ExtraHosts: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  GroupAdd: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  HostConfig: { kind: 'object', fields: HOST_CONFIG },
  Init: {
    kind: "bool",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  IOMaximumBandwidth: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  IOMaximumIOps: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  IpcMode: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; request API < 1.40: empty means \"shareable\"",
  },
  Isolation: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  KernelMemory: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; ignored (zeroed) by 26.1/28.5 when the request API version is >= 1.42; honoured by 20.10 (cgroup v1 only)",
  },
  KernelMemoryTCP: {
    kind: "int",
    since: "1.40",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; zeroed when the request API version is < 1.40; deprecated in 1.51",
  },
  Links: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  LogConfig: {
    kind: "object",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Config: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
      Type: {
        kind: "string",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  MaskedPaths: {
    kind: "array",
    since: "1.38",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Memory: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no \"HostConfig\" key (or HostConfig:null) is sent; when \"HostConfig\" is also sent, this top-level value is still copied into HostConfig.Memory if that is zero/empty",
  },
  MemoryReservation: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  MemorySwap: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no \"HostConfig\" key (or HostConfig:null) is sent; when \"HostConfig\" is also sent, this top-level value is still copied into HostConfig.MemorySwap if that is zero/empty",
  },
  MemorySwappiness: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Mounts: {
    kind: "array",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      BindOptions: {
        kind: "object",
        fields: {
          CreateMountpoint: {
            kind: "bool",
            since: "1.42",
            engines: ["26.1"],
            notes: "zeroed when the request API version is < 1.42",
          },
          NonRecursive: {
            kind: "bool",
            since: "1.40",
            notes: "zeroed when the request API version is < 1.40",
          },
          Propagation: {
            kind: "string",
          },
          ReadOnlyForceRecursive: {
            kind: "bool",
            since: "1.44",
            engines: ["26.1"],
            notes: "rejected when the request API version is < 1.44",
          },
          ReadOnlyNonRecursive: {
            kind: "bool",
            since: "1.44",
            engines: ["26.1"],
          },
        },
        notes: "set on a mount whose Type is not \"bind\": rejected for request API >= 1.42 (kept below)",
      },
      ClusterOptions: {
        kind: "object",
        since: "1.42",
        engines: ["26.1"],
        fields: {},
      },
      Consistency: {
        kind: "string",
        since: "1.28",
      },
      ReadOnly: {
        kind: "bool",
      },
      Source: {
        kind: "string",
      },
      Target: {
        kind: "string",
      },
      TmpfsOptions: {
        kind: "object",
        fields: {
          Mode: {
            kind: "int",
          },
          SizeBytes: {
            kind: "int",
          },
        },
        notes: "set on a mount of another Type: silently dropped for request API < 1.42, rejected for >= 1.42",
      },
      Type: {
        kind: "string",
      },
      VolumeOptions: {
        kind: "object",
        fields: {
          DriverConfig: {
            kind: "object",
            fields: {
              Name: {
                kind: "string",
              },
              Options: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
          Labels: {
            kind: "map",
            values: {
              kind: "string",
            },
          },
          NoCopy: {
            kind: "bool",
          },
          Subpath: {
            kind: "string",
            since: "1.45",
            engines: ["26.1"],
            notes: "rejected when the request API version is < 1.45",
          },
        },
        notes: "set on a mount of another Type: silently dropped for request API < 1.42, rejected for >= 1.42",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  NanoCpus: {
    kind: "int",
    since: "1.25",
    until: "1.46",
    engines: ["20.10", "26.1"],
    goName: "NanoCPUs",
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  NetworkingConfig: { kind: 'object', fields: NETWORKING_CONFIG },
  NetworkMode: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  OomKillDisable: {
    kind: "bool",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  OomScoreAdj: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  PidMode: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  PidsLimit: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; 0 or negative = unlimited",
  },
  PortBindings: {
    kind: "map",
    until: "1.46",
    engines: ["20.10", "26.1"],
    values: {
      kind: "array",
      fields: {
        HostIp: {
          kind: "string",
          goName: "HostIP",
        },
        HostPort: {
          kind: "string",
        },
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Privileged: {
    kind: "bool",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  PublishAllPorts: {
    kind: "bool",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  ReadonlyPaths: {
    kind: "array",
    since: "1.38",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  ReadonlyRootfs: {
    kind: "bool",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  RestartPolicy: {
    kind: "object",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      MaximumRetryCount: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Runtime: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  SecurityOpt: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  ShmSize: {
    kind: "int",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  StorageOpt: {
    kind: "map",
    until: "1.46",
    engines: ["20.10", "26.1"],
    values: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Sysctls: {
    kind: "map",
    until: "1.46",
    engines: ["20.10", "26.1"],
    values: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present; 28.5: net.<x>.<y>.eth<N>.<z> keys are migrated into the primary endpoint DriverOpts[\"com.docker.network.endpoint.sysctls\"] for request API 1.46/1.47 and rejected for > 1.47",
  },
  Tmpfs: {
    kind: "map",
    until: "1.46",
    engines: ["20.10", "26.1"],
    values: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  Ulimits: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    fields: {
      Hard: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
      Soft: {
        kind: "int",
      },
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  UsernsMode: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  UTSMode: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
  VolumeDriver: {
    kind: "string",
    until: "1.46",
    engines: ["20.10", "26.1"],
    notes: "legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no \"HostConfig\" key (or HostConfig:null) is sent; when \"HostConfig\" is also sent, this top-level value is still copied into HostConfig.VolumeDriver if that is zero/empty",
  },
  VolumesFrom: {
    kind: "array",
    until: "1.46",
    engines: ["20.10", "26.1"],
    items: {
      kind: "string",
    },
    notes: "legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no \"HostConfig\" key (or \"HostConfig\": null); ignored when \"HostConfig\" is present",
  },
};

/** POST /containers/{name}/exec (types.ExecConfig -> container.ExecOptions). */
export const EXEC_CREATE_BODY: Record<string, FieldSpec> = {
  AttachStderr: {
    kind: "bool",
  },
  AttachStdin: {
    kind: "bool",
  },
  AttachStdout: {
    kind: "bool",
  },
  Cmd: {
    kind: "array",
    items: {
      kind: "string",
    },
  },
  ConsoleSize: {
    kind: "array",
    since: "1.42",
    engines: ["26.1", "28.5"],
    items: {
      kind: "int",
    },
    notes: "fixed-length array of 2; cleared when the request API version is < 1.42",
  },
  Detach: {
    kind: "bool",
  },
  DetachKeys: {
    kind: "string",
  },
  Env: {
    kind: "array",
    since: "1.25",
    items: {
      kind: "string",
    },
  },
  Privileged: {
    kind: "bool",
  },
  Tty: {
    kind: "bool",
  },
  User: {
    kind: "string",
  },
  WorkingDir: {
    kind: "string",
    since: "1.35",
  },
};

/** POST /exec/{id}/start (types.ExecStartCheck -> container.ExecStartOptions). */
export const EXEC_START_BODY: Record<string, FieldSpec> = {
  ConsoleSize: {
    kind: "array",
    since: "1.42",
    engines: ["26.1", "28.5"],
    items: {
      kind: "int",
    },
    notes: "fixed-length array of 2; cleared when the request API version is < 1.42 or Tty is false",
  },
  Detach: {
    kind: "bool",
  },
  Tty: {
    kind: "bool",
  },
};

/** POST /containers/{name}/update (container.UpdateConfig = Resources + RestartPolicy). */
export const CONTAINER_UPDATE_BODY: Record<string, FieldSpec> = {
  BlkioDeviceReadBps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceReadIOps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceWriteBps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioDeviceWriteIOps: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Rate: {
        kind: "int",
      },
    },
  },
  BlkioWeight: {
    kind: "int",
  },
  BlkioWeightDevice: {
    kind: "array",
    fields: {
      Path: {
        kind: "string",
      },
      Weight: {
        kind: "int",
      },
    },
  },
  CgroupParent: {
    kind: "string",
  },
  CpuCount: {
    kind: "int",
    goName: "CPUCount",
  },
  CpuPercent: {
    kind: "int",
    goName: "CPUPercent",
  },
  CpuPeriod: {
    kind: "int",
    goName: "CPUPeriod",
  },
  CpuQuota: {
    kind: "int",
    goName: "CPUQuota",
  },
  CpuRealtimePeriod: {
    kind: "int",
    since: "1.25",
    goName: "CPURealtimePeriod",
  },
  CpuRealtimeRuntime: {
    kind: "int",
    since: "1.25",
    goName: "CPURealtimeRuntime",
  },
  CpusetCpus: {
    kind: "string",
  },
  CpusetMems: {
    kind: "string",
  },
  CpuShares: {
    kind: "int",
    goName: "CPUShares",
  },
  DeviceCgroupRules: {
    kind: "array",
    since: "1.28",
    items: {
      kind: "string",
    },
  },
  DeviceRequests: {
    kind: "array",
    since: "1.40",
    fields: {
      Capabilities: {
        kind: "array",
        items: {
          kind: "array",
          items: {
            kind: "string",
          },
        },
      },
      Count: {
        kind: "int",
      },
      DeviceIDs: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      Driver: {
        kind: "string",
      },
      Options: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
    },
  },
  Devices: {
    kind: "array",
    fields: {
      CgroupPermissions: {
        kind: "string",
      },
      PathInContainer: {
        kind: "string",
      },
      PathOnHost: {
        kind: "string",
      },
    },
  },
  IOMaximumBandwidth: {
    kind: "int",
  },
  IOMaximumIOps: {
    kind: "int",
  },
  KernelMemory: {
    kind: "int",
    notes: "zeroed by 26.1/28.5 when the request API version is >= 1.42",
  },
  KernelMemoryTCP: {
    kind: "int",
    since: "1.40",
  },
  Memory: {
    kind: "int",
  },
  MemoryReservation: {
    kind: "int",
  },
  MemorySwap: {
    kind: "int",
  },
  MemorySwappiness: {
    kind: "int",
  },
  NanoCpus: {
    kind: "int",
    since: "1.28",
    goName: "NanoCPUs",
  },
  OomKillDisable: {
    kind: "bool",
  },
  PidsLimit: {
    kind: "int",
    since: "1.40",
    notes: "ignored when the request API version is < 1.40; 0 or negative = unlimited",
  },
  RestartPolicy: {
    kind: "object",
    fields: {
      MaximumRetryCount: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
    },
  },
  Ulimits: {
    kind: "array",
    fields: {
      Hard: {
        kind: "int",
      },
      Name: {
        kind: "string",
      },
      Soft: {
        kind: "int",
      },
    },
  },
};

/** POST /volumes/create (volume.VolumeCreateBody -> volume.CreateOptions). */
export const VOLUME_CREATE_BODY: Record<string, FieldSpec> = {
  ClusterVolumeSpec: {
    kind: "object",
    since: "1.42",
    engines: ["26.1", "28.5"],
    fields: {
      AccessibilityRequirements: {
        kind: "object",
        fields: {
          Preferred: {
            kind: "array",
            fields: {
              Segments: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
          Requisite: {
            kind: "array",
            fields: {
              Segments: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
        },
      },
      AccessMode: {
        kind: "object",
        fields: {
          BlockVolume: {
            kind: "object",
            fields: {},
          },
          MountVolume: {
            kind: "object",
            fields: {
              FsType: {
                kind: "string",
              },
              MountFlags: {
                kind: "array",
                items: {
                  kind: "string",
                },
              },
            },
          },
          Scope: {
            kind: "string",
          },
          Sharing: {
            kind: "string",
          },
        },
      },
      Availability: {
        kind: "string",
      },
      CapacityRange: {
        kind: "object",
        fields: {
          LimitBytes: {
            kind: "int",
          },
          RequiredBytes: {
            kind: "int",
          },
        },
      },
      Group: {
        kind: "string",
      },
      Secrets: {
        kind: "array",
        fields: {
          Key: {
            kind: "string",
          },
          Secret: {
            kind: "string",
          },
        },
      },
    },
    notes: "only used when the request API version is >= 1.42 and the daemon is a swarm manager; otherwise a local volume is created",
  },
  Driver: {
    kind: "string",
  },
  DriverOpts: {
    kind: "map",
    values: {
      kind: "string",
    },
    notes: "driver \"local\": type/device/o are mount(8) arguments, e.g. {\"type\":\"none\",\"o\":\"bind\",\"device\":\"/etc\"} bind-mounts a host path; nfs/cifs also possible",
  },
  Labels: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  Name: {
    kind: "string",
  },
};

/** PUT /volumes/{name} (volume.UpdateOptions; 26.1/28.5 only). */
export const VOLUME_UPDATE_BODY: Record<string, FieldSpec> = {
  Spec: {
    kind: "object",
    engines: ["26.1", "28.5"],
    fields: {
      AccessibilityRequirements: {
        kind: "object",
        fields: {
          Preferred: {
            kind: "array",
            fields: {
              Segments: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
          Requisite: {
            kind: "array",
            fields: {
              Segments: {
                kind: "map",
                values: {
                  kind: "string",
                },
              },
            },
          },
        },
      },
      AccessMode: {
        kind: "object",
        fields: {
          BlockVolume: {
            kind: "object",
            fields: {},
          },
          MountVolume: {
            kind: "object",
            fields: {
              FsType: {
                kind: "string",
              },
              MountFlags: {
                kind: "array",
                items: {
                  kind: "string",
                },
              },
            },
          },
          Scope: {
            kind: "string",
          },
          Sharing: {
            kind: "string",
          },
        },
      },
      Availability: {
        kind: "string",
      },
      CapacityRange: {
        kind: "object",
        fields: {
          LimitBytes: {
            kind: "int",
          },
          RequiredBytes: {
            kind: "int",
          },
        },
      },
      Group: {
        kind: "string",
      },
      Secrets: {
        kind: "array",
        fields: {
          Key: {
            kind: "string",
          },
          Secret: {
            kind: "string",
          },
        },
      },
    },
  },
};

/** POST /networks/create (types.NetworkCreateRequest -> network.CreateRequest). */
export const NETWORK_CREATE_BODY: Record<string, FieldSpec> = {
  Attachable: {
    kind: "bool",
    since: "1.25",
  },
  CheckDuplicate: {
    kind: "bool",
    notes: "20.10: false allows a duplicate network name (libnetwork check skipped); 26.1/28.5: ignored, names are always checked (deprecated 1.44)",
  },
  ConfigFrom: {
    kind: "object",
    since: "1.30",
    fields: {
      Network: {
        kind: "string",
      },
    },
  },
  ConfigOnly: {
    kind: "bool",
    since: "1.30",
  },
  Driver: {
    kind: "string",
  },
  EnableIPv4: {
    kind: "bool",
    since: "1.48",
    engines: ["28.5"],
    notes: "cleared when the request API version is < 1.48",
  },
  EnableIPv6: {
    kind: "bool",
  },
  Ingress: {
    kind: "bool",
    since: "1.29",
  },
  Internal: {
    kind: "bool",
  },
  IPAM: {
    kind: "object",
    fields: {
      Config: {
        kind: "array",
        fields: {
          AuxiliaryAddresses: {
            kind: "map",
            goName: "AuxAddress",
            values: {
              kind: "string",
            },
          },
          Gateway: {
            kind: "string",
          },
          IPRange: {
            kind: "string",
          },
          Subnet: {
            kind: "string",
          },
        },
      },
      Driver: {
        kind: "string",
      },
      Options: {
        kind: "map",
        values: {
          kind: "string",
        },
      },
    },
  },
  Labels: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  Name: {
    kind: "string",
  },
  Options: {
    kind: "map",
    values: {
      kind: "string",
    },
  },
  Scope: {
    kind: "string",
    since: "1.30",
  },
};

/** POST /networks/{id}/connect (types.NetworkConnect -> network.ConnectOptions). */
export const NETWORK_CONNECT_BODY: Record<string, FieldSpec> = {
  Container: {
    kind: "string",
  },
  EndpointConfig: {
    kind: "object",
    fields: {
      Aliases: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      DNSNames: {
        kind: "array",
        since: "1.44",
        engines: ["26.1", "28.5"],
        items: {
          kind: "string",
        },
      },
      DriverOpts: {
        kind: "map",
        since: "1.30",
        values: {
          kind: "string",
        },
      },
      EndpointID: {
        kind: "string",
      },
      Gateway: {
        kind: "string",
      },
      GlobalIPv6Address: {
        kind: "string",
      },
      GlobalIPv6PrefixLen: {
        kind: "int",
      },
      GwPriority: {
        kind: "int",
        since: "1.48",
        engines: ["28.5"],
      },
      IPAddress: {
        kind: "string",
      },
      IPAMConfig: {
        kind: "object",
        fields: {
          IPv4Address: {
            kind: "string",
          },
          IPv6Address: {
            kind: "string",
          },
          LinkLocalIPs: {
            kind: "array",
            items: {
              kind: "string",
            },
          },
        },
      },
      IPPrefixLen: {
        kind: "int",
      },
      IPv6Gateway: {
        kind: "string",
      },
      Links: {
        kind: "array",
        items: {
          kind: "string",
        },
      },
      MacAddress: {
        kind: "string",
        notes: "honoured on connect by 26.1/28.5",
      },
      NetworkID: {
        kind: "string",
      },
    },
  },
};

/** POST /networks/{id}/disconnect (types.NetworkDisconnect -> network.DisconnectOptions). */
export const NETWORK_DISCONNECT_BODY: Record<string, FieldSpec> = {
  Container: {
    kind: "string",
  },
  Force: {
    kind: "bool",
  },
};


/**
 * POST /commit: decoded with the same decoder as create (DecodeConfig), so every create-body key is
 * ACCEPTED; only the container.Config keys take effect (merged over the container's config), HostConfig /
 * NetworkingConfig / legacy top-level HostConfig keys are decoded, validated and discarded.
 */
export const COMMIT_BODY: Record<string, FieldSpec> = Object.fromEntries(
  Object.entries(CONTAINER_CREATE_BODY).map(([k, v]) =>
    [k, k in CONTAINER_CONFIG ? v : { ...v, notes: 'accepted (decoded and validated) but discarded by commit' }]),
);

