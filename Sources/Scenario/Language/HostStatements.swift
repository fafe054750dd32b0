import IOMMUModel

/// Statements for the host side: processes and their memory, host devices, VFIO containers (type1
/// and sPAPR TCE) and iommufd. Each is one syscall or ioctl of a VMM; `by=PROC` says which process
/// makes it (default: the process created last) and `in=ICTX` which iommufd a new object goes into
/// (default: the one opened last). Objects are referred to by the names given when they were made,
/// or by a number meaning that object id.
extension Statements {
    static let hostKeywords = ["host-config", "process", "rlimit", "capset", "exit", "fork", "mmap", "host-device", "vfio", "spapr", "iommufd"]

    static func parseHost(_ keyword: String, _ a: inout Arguments) throws(LineError) -> MachineCommand? {
        let c: HostCommand
        switch keyword {
        case "host-config": c = try parseHostConfig(&a)
        case "process": c = try parseProcess(&a)
        case "rlimit": c = try parseRlimit(&a)
        case "capset": c = try parseCapset(&a)
        case "exit":
            let name = try a.positional(0, "a process name")
            try finishHost(a, positionalCount: 1, accepted: [])
            c = .exitProcess(process: name.text)
        case "fork":
            let parent = try a.positional(0, "the parent process")
            let child = try a.positional(1, "a name for the child process")
            var pid: HostPID? = nil
            if let p = try a.numberOption("pid") {
                guard p > 0 && p < 1 << 22 else { throw LineError(a.options["pid"]?.valueColumn ?? 1, "pid must be 1-4194303 (PID_MAX_LIMIT)") }
                pid = HostPID(p)
            }
            try finishHost(a, positionalCount: 2, accepted: ["pid"])
            c = .forkProcess(parent: parent.text, child: child.text, pid: pid)
        case "mmap": c = try parseMmap(&a)
        case "host-device": c = try parseHostDevice(&a)
        case "vfio": c = try parseVFIO(&a)
        case "spapr": c = try parseSPAPR(&a)
        case "iommufd": c = try parseIOMMUFD(&a)
        default: return nil
        }
        return .host(c)
    }

    /// Each host statement with every option and word it takes, and what it hands back (`out
    /// NAME`, readable with `expect out NAME=V`). `by=PROC` names the process making the call
    /// (default: the one created last) and is taken only where a process matters.
    static let hostHelp: [(String, String)] = [
        ("host-config page=4K|64K", "the host's PAGE_SIZE (before any process or device)"),
        ("process NAME [memlock=SIZE|unlimited] [pid=N] [uid=N] [cap-ipc-lock] [cap-sys-resource]",
         "a VMM process with its RLIMIT_MEMLOCK (default 8M)"),
        ("rlimit PROC memlock=SIZE|unlimited", "setrlimit(RLIMIT_MEMLOCK)"),
        ("capset PROC [ipc-lock=on|off] [sys-resource=on|off]", "grant or drop CAP_IPC_LOCK / CAP_SYS_RESOURCE (mappings made earlier keep the lock_cap they were made with)"),
        ("exit PROC", "exit(2): the mm goes away with its locked_vm; later calls by PROC get ESRCH (open containers and iommufds stay open)"),
        ("fork PROC CHILD [pid=N]", "fork(2): CHILD gets a copy of PROC's mappings in a new mm with locked_vm and pinned_vm 0 (pins stay with the parent); it shares PROC's containers and iommufds, and what it maps is charged to it; out pid"),
        ("mmap PROC VADDR SIZE [hugetlb=2M|16M|1G|16G] [pfnmap=HPA]", "map memory into the process (anonymous by default); ENOMEM when it wraps past the top"),
        ("host-device NAME sid=bb:dd.f [ats] [qdep=N] [\(unitKeys.map { "\($0)=N" }.joined(separator: "|"))]  |  host-device NAME mdev",
         "a PCI function the host can assign (behind \(unitKeys[0])0 by default; group=N: an sPAPR PE), or an mdev (an emulated IOMMU group: no domain, its vendor driver pins with vfio pin-pages)"),
        ("vfio open C type1|type1v2|type1-nesting DEV[,DEV...] [by=PROC]  |  vfio open C spapr-v1|spapr-v2", "a VFIO container (VFIO_SET_IOMMU); out container"),
        ("vfio open C N DEV[,DEV...] [by=PROC]", "VFIO_SET_IOMMU with a raw type number: 1, 3, 6 as the names; 9 (VFIO_UNMAP_ALL) EINVAL from vfio_iommu_type1_open; a number no backend reports ENODEV"),
        ("vfio check-extension EXT [container=C]", "VFIO_CHECK_EXTENSION (EXT: type1, spapr, type1v2, dma-cc, eeh, type1-nesting, spapr-v2, noiommu, unmap-all, update-vaddr or a number); returns 1 or 0 (expect ret=1); without container= every registered backend is polled (no backend set)"),
        ("vfio attach C DEV", "VFIO_GROUP_SET_CONTAINER of one more group: an mdev joins; the first real device of a container without a domain brings one and vfio_iommu_replay pins, charges (not the pages already pinned for the mdev) and maps every mapping"),
        ("vfio pin-pages C MDEV iova=IOVA npages=N [r|w|rw]  |  vfio unpin-pages C MDEV iova=IOVA npages=N", "vfio_pin_pages / vfio_unpin_pages from an mdev vendor driver (v2 only, EACCES otherwise); pin returns N (expect ret=N); charged to the mapping's mm only while the container has no IOMMU domain"),
        ("vfio map C vaddr=VA iova=IOVA size=SIZE [r|w|rw|ro|wo] [argsz=N] [flags=N] [by=PROC]", "VFIO_IOMMU_MAP_DMA (type1 or sPAPR by the container)"),
        ("vfio unmap C iova=IOVA size=SIZE | vfio unmap C all  [argsz=N] [flags=N] [by=PROC]", "VFIO_IOMMU_UNMAP_DMA; out size (only the mapping process's mm may unmap)"),
        ("vfio cache-invalidate C cache=iotlb[,dev-iotlb][,pasid] granu=domain|pasid|addr [pasid=N] [archid=N] [info-flags=N] [addr=A] [granule=SIZE] [granules=N] [leaf] [argsz=N] [flags=N] [version=N] [padding=N] [by=PROC]",
         "VFIO_IOMMU_CACHE_INVALIDATE (type1 nesting series)"),
        ("vfio close C", "close the container: unmap, unpin, uncharge, detach"),
        ("spapr group ID [legacy] [tce32=SIZE] [levels=N] [windows=N]", "an sPAPR IOMMU group (IODA2 unless legacy)"),
        ("spapr attach|detach C group=ID", "VFIO_GROUP_SET_CONTAINER / UNSET_CONTAINER"),
        ("spapr enable|disable C [by=PROC]", "VFIO_IOMMU_ENABLE / DISABLE (v1)"),
        ("spapr info C [argsz=N] [by=PROC]", "VFIO_IOMMU_SPAPR_TCE_GET_INFO; out flags, dma32_window_start, dma32_window_size, and with argsz>=32 ddw.pgsizes, ddw.max_dynamic_windows_supported, ddw.levels"),
        ("spapr register|unregister C vaddr=VA size=SIZE [argsz=N] [flags=N] [by=PROC]", "VFIO_IOMMU_SPAPR_REGISTER_MEMORY / UNREGISTER_MEMORY (v2); register: out region"),
        ("spapr create-window C page=SIZE size=SIZE [levels=N] [argsz=N] [flags=N] [by=PROC]", "VFIO_IOMMU_SPAPR_TCE_CREATE (v2); out start_addr"),
        ("spapr remove-window C start=ADDR [argsz=N] [flags=N] [by=PROC]", "VFIO_IOMMU_SPAPR_TCE_REMOVE (v2)"),
        ("iommufd open NAME", "open /dev/iommu; out iommufd"),
        ("iommufd close ICTX", "close the iommufd and the device fds bound to it: devices detached, then every object destroyed in dependency order (leaves first, in id order per pass), pins released and locked_vm/pinned_vm uncharged; out destroyed"),
        ("iommufd bind DEV [in=ICTX]", "VFIO_DEVICE_BIND_IOMMUFD (the device object is named DEV); out out_devid"),
        ("iommufd ioas-alloc NAME [in=ICTX]", "IOMMU_IOAS_ALLOC; out out_ioas_id"),
        ("iommufd ioas-map IOAS vaddr=VA size=SIZE [iova=IOVA] [r|w|rw|ro|wo] [by=PROC]", "IOMMU_IOAS_MAP (no iova: the kernel picks one); out iova"),
        ("iommufd ioas-unmap IOAS iova=IOVA size=SIZE | iommufd ioas-unmap IOAS all", "IOMMU_IOAS_UNMAP; out length (ENOENT when the range held no area)"),
        ("iommufd ioas-copy DST SRC src-iova=IOVA size=SIZE [dst-iova=IOVA]", "IOMMU_IOAS_COPY; out dst_iova"),
        ("iommufd iova-ranges IOAS [num=N]", "IOMMU_IOAS_IOVA_RANGES with a buffer of N ranges (default 64); out num_iovas (all of them), out_iova_alignment, startI/lastI for each range copied; EMSGSIZE when more than N"),
        ("iommufd allow-iovas IOAS START-LAST [START-LAST...]  |  iommufd allow-iovas IOAS none", "IOMMU_IOAS_ALLOW_IOVAS: automatic IOVAs (ioas-map without iova=) come only from these ranges; EADDRINUSE if one holds reserved IOVA, and later reservations (MSI window, aperture) inside them fail the same way"),
        ("iommufd hw-info DEV [data-len=N] [type=N] [flags=N]", "IOMMU_GET_HW_INFO (buffer of N bytes, default 64; type= sets IOMMU_HW_INFO_FLAG_INPUT_TYPE: 1 VT-d, 2 SMMUv3); out data_len (the kernel's length), out_data_type, out_capabilities (1 = DIRTY_TRACKING), the vendor members the buffer received (VT-d flags, cap_reg, ecap_reg; SMMUv3 flags, idr0-idr5, iidr, aidr), trailing_zeroed"),
        ("iommufd raw OP [size=N] [MEMBER=V ...] [qwords=Q,...] [tail=Q,...] [in=ICTX] [by=PROC]",
         "any of \(IOMMUFDIoctls.all.map(\.word).joined(separator: ", ")) (or its IOMMU_* name or nr) with the struct laid out as given: members by their C names (__reserved too), qwords= the starting bytes, size= the size member (default sizeof), tail= the bytes after the kernel's struct; framed as iommufd_fops_ioctl: EINVAL below min_size, E2BIG for a non-zero tail, a zero tail or a short struct the same as the exact size; an unknown nr ENOTTY; outputs past size are not copied back"),
        ("iommufd vfio-ioas get|set IOAS|clear [in=ICTX]", "IOMMU_VFIO_IOAS: the IOAS the VFIO container ioctls on /dev/iommu act on; get: out ioas_id (ENODEV when none)"),
        ("iommufd vfio ICTX check-extension EXT | set-iommu N | map vaddr=VA iova=IOVA size=SIZE [r|w|rw] [argsz=N] [flags=N] [by=PROC] | unmap iova=IOVA size=SIZE | unmap all",
         "the VFIO container ioctls served by iommufd (vfio_compat.c) on the compat IOAS: check-extension returns 1 for type1, type1v2, unmap-all (dma-cc by the domains); set-iommu takes 1 (huge pages off) or 3; map is an IOAS map at a fixed IOVA; unmap: out size"),
        ("iommufd option rlimit-mode=user|mm|get [in=ICTX] [by=PROC]  |  iommufd option IOAS huge-pages=on|off", "IOMMU_OPTION; get: out val64"),
        ("iommufd hwpt-alloc NAME dev=DEV pt=IOAS|HWPT|VIOMMU [nest-parent] [dirty-tracking] [data=vtd_s1 pgtbl=SPACE|GPA [addr-width=48|57] [sre] [wpe] [eafe] [s1-flags=N] [reserved=N] | data=arm_smmuv3 ste0=Q [ste1=Q] | data-type=N [data-qwords=Q,Q...]]",
         "IOMMU_HWPT_ALLOC: paging (nest parent) or nested HWPT; out out_hwpt_id"),
        ("iommufd set-dirty HWPT on|off [flags=N]", "IOMMU_HWPT_SET_DIRTY_TRACKING (the HWPT needs dirty-tracking at alloc, else EOPNOTSUPP); on clears the D bits first; VT-d sets SSADE in each PASID entry using the domain"),
        ("iommufd get-dirty HWPT iova=IOVA size=SIZE [page=SIZE] [no-clear] [flags=N]", "IOMMU_HWPT_GET_DIRTY_BITMAP (page default 4K; no-clear = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR); out dirty_pages, bitmapN for each non-zero 64-bit word; a write DMA through a tracking VT-d domain sets the second-stage D bit it reads"),
        ("iommufd viommu-alloc NAME dev=DEV hwpt=PARENT  |  iommufd vdevice-alloc NAME viommu=V dev=DEV virt-id=N", "IOMMU_VIOMMU_ALLOC / IOMMU_VDEVICE_ALLOC (SMMUv3); out out_viommu_id / out_vdevice_id"),
        ("iommufd attach|replace DEV pt=IOAS|HWPT  |  iommufd detach DEV  |  iommufd destroy OBJ", "attach (out pt_id), replace, detach, IOMMU_DESTROY (EBUSY for an object in use or a bound device)"),
        ("iommufd invalidate HWPT|VIOMMU [entry-len=N] [entry-num=N] [data-type=N] [uptr=A] [reserved=N] entries: addr=A npages=N [leaf] [flags=N] [reserved=N] [; ...]  |  ... cmds: QW0 QW1 [; ...]",
         "IOMMU_HWPT_INVALIDATE: entries laid out every entry-len bytes (VT-d takes exactly 24); out entry_num"),
    ]

    // MARK: helpers

    /// `vfio map`, `iommufd ioas-map`, `process`: the statement as a user names it in a message.
    static func statementName(_ a: Arguments) -> String {
        guard ["vfio", "spapr", "iommufd"].contains(a.keyword.text.lowercased()), let op = a.tokens.first, op.keyValue == nil else { return a.keyword.text }
        return "\(a.keyword.text) \(op.text.lowercased())"
    }

    /// `Arguments.finish` for host statements: an option the statement does not take is an error
    /// even when it was read early (`by=`, `in=`), and the message names the statement and lists
    /// the options and bare words it takes.
    static func finishHost(_ a: Arguments, positionalCount: Int, accepted: [String], words: [String] = []) throws(LineError) {
        let name = statementName(a)
        let takes = accepted.map { "\($0)=" } + words
        let list = takes.isEmpty ? "it takes no options" : "it takes " + takes.joined(separator: ", ")
        for (k, t) in a.options.sorted(by: { $0.value.column < $1.value.column }) where !accepted.contains(k) {
            throw LineError(t.column, "\(name) takes no option '\(k)'; \(list)")
        }
        if a.positionals.count > positionalCount {
            let t = a.positionals[positionalCount]
            throw LineError(t.column, "\(name): unexpected '\(t.text)'; " + (words.isEmpty ? "no further words are taken" : "words it takes: \(words.joined(separator: ", "))"))
        }
    }

    static func byOption(_ a: inout Arguments) -> String? { a.stringOption("by") }

    /// Where a missing option would go: after the last word and a space (as `Arguments.endColumn + 1`).
    static func lineEnd(_ a: Arguments) -> Int {
        let last = a.tokens.last ?? a.keyword
        return last.column + last.text.count + 1
    }

    static func u32Option(_ a: inout Arguments, _ key: String) throws(LineError) -> UInt32? {
        guard let v = try a.numberOption(key) else { return nil }
        guard v <= UInt64(UInt32.max) else { throw LineError(a.options[key]?.valueColumn ?? a.endColumn, "\(key) is a 32-bit member (at most 0xffffffff)") }
        return UInt32(v)
    }

    static func requireOption(_ a: inout Arguments, _ key: String, _ what: String) throws(LineError) -> UInt64 {
        guard let v = try a.numberOption(key) else { throw LineError(lineEnd(a), "\(a.keyword.text): expected \(key)=\(what)") }
        return v
    }

    /// `r`, `w`, `rw` (also `ro`, `wo`) as bare words; `default` when none is given.
    static func accessFlags(_ a: inout Arguments, default d: (Bool, Bool) = (true, true)) -> (read: Bool, write: Bool) {
        if a.flag("rw") { return (true, true) }
        if a.flag("r") || a.flag("ro") { return (true, false) }
        if a.flag("w") || a.flag("wo") { return (false, true) }
        return d
    }

    static func memlockValue(_ text: String, column: Int) throws(LineError) -> UInt64 {
        if ["unlimited", "infinity"].contains(text.lowercased()) { return UInt64.max }   // RLIM_INFINITY
        do { return try HexInput.number(text) } catch { throw LineError(column, "memlock: \(error)") }
    }

    /// log2 of a power-of-two size option (`page=64K` → 16).
    static func shiftOf(_ a: inout Arguments, _ key: String) throws(LineError) -> Int? {
        guard let v = try a.numberOption(key) else { return nil }
        guard v != 0 && v & (v - 1) == 0 else { throw LineError(a.options[key]?.valueColumn ?? a.endColumn, "\(key) must be a power of two") }
        return v.trailingZeroBitCount
    }

    static func subcommand(_ a: inout Arguments, _ known: [String]) throws(LineError) -> Token {
        let t = try a.positional(0, "one of: \(known.joined(separator: ", "))")
        guard known.contains(t.text.lowercased()) else {
            throw LineError(t.column, "\(a.keyword.text): unknown operation '\(t.text)'; known: \(known.joined(separator: ", "))")
        }
        return t
    }

    // MARK: host setup

    static func parseHostConfig(_ a: inout Arguments) throws(LineError) -> HostCommand {
        guard let shift = try shiftOf(&a, "page") else { throw LineError(lineEnd(a), "host-config: expected page=4K or page=64K") }
        guard shift == 12 || shift == 16 else { throw LineError(a.options["page"]?.valueColumn ?? 1, "the host page size is 4K or 64K") }
        try finishHost(a, positionalCount: 0, accepted: ["page"])
        return .configure(pageShift: shift)
    }

    static func parseProcess(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let name = try a.positional(0, "a process name")
        var memlock: UInt64 = 8 << 20   // MLOCK_LIMIT default since Linux 5.16
        if let t = a.option("memlock"), let kv = t.keyValue { memlock = try memlockValue(kv.value, column: t.valueColumn) }
        var pid: HostPID? = nil
        if let p = try a.numberOption("pid") {
            guard p > 0 && p < 1 << 22 else { throw LineError(a.options["pid"]?.valueColumn ?? 1, "pid must be 1-4194303 (PID_MAX_LIMIT)") }
            pid = HostPID(p)
        }
        let uid = try u32Option(&a, "uid") ?? 1000
        let ipc = a.flag("cap-ipc-lock"), sysres = a.flag("cap-sys-resource")
        try finishHost(a, positionalCount: 1, accepted: ["memlock", "pid", "uid"], words: ["cap-ipc-lock", "cap-sys-resource"])
        return .process(name: name.text, pid: pid, uid: uid, memlock: memlock, capIPCLock: ipc, capSysResource: sysres)
    }

    static func parseRlimit(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let name = try a.positional(0, "a process name")
        guard let t = a.option("memlock"), let kv = t.keyValue else { throw LineError(lineEnd(a), "rlimit: expected memlock=SIZE or memlock=unlimited") }
        let v = try memlockValue(kv.value, column: t.valueColumn)
        try finishHost(a, positionalCount: 1, accepted: ["memlock"])
        return .setMemlock(process: name.text, bytes: v)
    }

    static func parseCapset(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let name = try a.positional(0, "a process name")
        func onOff(_ key: String) throws(LineError) -> Bool? {
            guard let t = a.option(key), let kv = t.keyValue else { return nil }
            switch kv.value.lowercased() {
            case "on", "1": return true
            case "off", "0": return false
            default: throw LineError(t.valueColumn, "\(key) is on or off")
            }
        }
        let ipc = try onOff("ipc-lock"), sysres = try onOff("sys-resource")
        guard ipc != nil || sysres != nil else { throw LineError(lineEnd(a), "capset: expected ipc-lock=on|off and/or sys-resource=on|off") }
        try finishHost(a, positionalCount: 1, accepted: ["ipc-lock", "sys-resource"])
        return .setCapabilities(process: name.text, ipcLock: ipc, sysResource: sysres)
    }

    static func parseMmap(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let name = try a.positional(0, "a process name")
        let vaddr = try a.number(try a.positional(1, "a virtual address"), "virtual address")
        let size = try a.number(try a.positional(2, "a size"), "size")
        var backing = VMABacking.anonymous
        if let s = try shiftOf(&a, "hugetlb") {
            guard [21, 24, 30, 34].contains(s) else { throw LineError(a.options["hugetlb"]?.valueColumn ?? 1, "hugetlb pages are 2M, 16M, 1G or 16G") }
            backing = .hugetlb(shift: s)
        }
        if let h = try a.numberOption("pfnmap") {
            guard backing == .anonymous else { throw LineError(a.options["pfnmap"]?.column ?? 1, "mmap: hugetlb= and pfnmap= exclude each other") }
            backing = .pfnmap(hpa: h)
        }
        try finishHost(a, positionalCount: 3, accepted: ["hugetlb", "pfnmap"])
        return .mmap(process: name.text, vaddr: vaddr, length: size, backing: backing)
    }

    /// The options naming the unit a host device sits behind: each vendor driver's instance prefix, then `group` (sPAPR).
    static let unitKeys = RegisteredHostDrivers.instancePrefixes.map(\.prefix) + ["group"]

    static func parseHostDevice(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let name = try a.positional(0, "a device name")
        // An mdev: its group is VFIO_EMULATED_IOMMU, with no IOMMU and no requester id of its own.
        if a.flag("mdev") {
            try finishHost(a, positionalCount: 1, accepted: [], words: ["mdev"])
            return .addDevice(name: name.text, iommu: .emulated, sid: 0, ats: false, queueDepth: 0)
        }
        let ats = a.flag("ats")
        guard let sidToken = a.option("sid"), let kv = sidToken.keyValue else { throw LineError(lineEnd(a), "host-device: expected sid=bb:dd.f") }
        let sid = try parseSourceID(kv.value, column: sidToken.valueColumn)
        let qdep = try a.numberOption("qdep") ?? 0
        guard qdep <= 0xffff else { throw LineError(a.options["qdep"]?.valueColumn ?? 1, "qdep is a 16-bit queue depth") }
        let drivers = RegisteredHostDrivers.instancePrefixes
        var iommu = HostIOMMURef.unit(driver: drivers[0].driver, index: 0)
        var chosen: [String] = []
        for key in unitKeys {
            guard let v = try a.numberOption(key) else { continue }
            guard v < 1 << 16 else { throw LineError(a.options[key]?.valueColumn ?? 1, "\(key) index too large") }
            chosen.append(key)
            iommu = drivers.first { $0.prefix == key }.map { .unit(driver: $0.driver, index: Int(v)) } ?? .spapr(Int(v))
        }
        if chosen.count > 1 {
            throw LineError(a.options[chosen[1]]?.column ?? 1, "host-device: give one of \(unitKeys.map { $0 + "=" }.joined(separator: ", "))")
        }
        try finishHost(a, positionalCount: 1, accepted: ["sid", "qdep"] + unitKeys, words: ["ats"])
        return .addDevice(name: name.text, iommu: iommu, sid: sid, ats: ats, queueDepth: UInt16(qdep))
    }

    // MARK: VFIO

    static func parseVFIO(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let sub = try subcommand(&a, ["open", "check-extension", "attach", "pin-pages", "unpin-pages", "map", "unmap", "cache-invalidate", "close"])
        if sub.text.lowercased() == "check-extension" {
            let t = try a.positional(1, "an extension: \(VFIOExtension.names.map(\.0).joined(separator: ", ")) or a number")
            let ext: UInt32
            if let n = VFIOExtension.names.first(where: { $0.0 == t.text.lowercased() })?.1 { ext = n } else {
                let v = try a.number(t, "extension")
                guard v <= UInt64(UInt32.max) else { throw LineError(t.column, "the extension is a 32-bit ioctl argument here") }
                ext = UInt32(v)
            }
            let c = a.stringOption("container")
            try finishHost(a, positionalCount: 2, accepted: ["container"])
            return .vfioCheckExtension(container: c, ext: ext)
        }
        let container = try a.positional(1, "a container name").text
        let by = byOption(&a)
        switch sub.text.lowercased() {
        case "open":
            let kind = try a.positional(2, "the backend: type1, type1v2, type1-nesting, spapr-v1 or spapr-v2")
            switch kind.text.lowercased() {
            case "spapr-v1", "spapr-v2":
                try finishHost(a, positionalCount: 3, accepted: [])
                return .vfioOpenSPAPR(container: container, version: kind.text.lowercased() == "spapr-v1" ? .v1 : .v2)
            case "type1", "type1v2", "type1-nesting":
                let type: Type1IOMMUType = kind.text.lowercased() == "type1" ? .type1 : kind.text.lowercased() == "type1v2" ? .type1v2 : .nesting
                let devs = try a.positional(3, "the devices, comma-separated")
                try finishHost(a, positionalCount: 4, accepted: ["by"])
                return .vfioOpenType1(container: container, type: type, devices: devs.text.split(separator: ",").map(String.init), by: by)
            default:
                // A raw VFIO_SET_IOMMU argument: the kernel decides (ENODEV, EINVAL).
                guard let n = try? HexInput.number(kind.text), n <= UInt64(UInt32.max) else {
                    throw LineError(kind.column, "vfio open: unknown backend '\(kind.text)' (type1, type1v2, type1-nesting, spapr-v1, spapr-v2, or a VFIO_SET_IOMMU number)")
                }
                let devs = try a.positional(3, "the devices, comma-separated")
                try finishHost(a, positionalCount: 4, accepted: ["by"])
                return .vfioOpenNumbered(container: container, typeNumber: UInt32(n), devices: devs.text.split(separator: ",").map(String.init), by: by)
            }
        case "attach":
            let dev = try a.positional(2, "a device")
            try finishHost(a, positionalCount: 3, accepted: [])
            return .vfioAttach(container: container, device: dev.text)
        case "pin-pages", "unpin-pages":
            let dev = try a.positional(2, "the mdev device whose vendor driver pins")
            let iova = try requireOption(&a, "iova", "IOVA")
            let n = try requireOption(&a, "npages", "N")
            guard n >= 1 && n <= 1 << 20 else { throw LineError(a.options["npages"]?.valueColumn ?? 1, "npages is 1 to 1048576") }
            if sub.text.lowercased() == "unpin-pages" {
                try finishHost(a, positionalCount: 3, accepted: ["iova", "npages"])
                return .vfioUnpinPages(container: container, device: dev.text, iova: iova, npage: Int(n))
            }
            let write = a.flag("w") || a.flag("rw")
            _ = a.flag("r")
            try finishHost(a, positionalCount: 3, accepted: ["iova", "npages"], words: ["r", "w", "rw"])
            return .vfioPinPages(container: container, device: dev.text, iova: iova, npage: Int(n), write: write)
        case "map":
            let vaddr = try requireOption(&a, "vaddr", "VA")
            let iova = try requireOption(&a, "iova", "IOVA")
            let size = try requireOption(&a, "size", "SIZE")
            let (r, w) = accessFlags(&a)
            var flags = (r ? VFIODMAMap.flagRead : 0) | (w ? VFIODMAMap.flagWrite : 0)
            if let f = try u32Option(&a, "flags") { flags = f }
            let argsz = try u32Option(&a, "argsz") ?? 32
            try finishHost(a, positionalCount: 2, accepted: ["vaddr", "iova", "size", "flags", "argsz", "by"], words: ["r", "w", "rw", "ro", "wo"])
            return .vfioMap(container: container, request: VFIODMAMap(argsz: argsz, flags: flags, vaddr: vaddr, iova: iova, size: size), by: by)
        case "unmap":
            let all = a.flag("all")
            let iova = try a.numberOption("iova") ?? 0
            let size = try a.numberOption("size") ?? 0
            if !all && (a.options["iova"] == nil || a.options["size"] == nil) { throw LineError(lineEnd(a), "vfio unmap: expected iova=IOVA size=SIZE, or all") }
            var flags = all ? VFIODMAUnmap.flagAll : 0
            if let f = try u32Option(&a, "flags") { flags = f }
            let argsz = try u32Option(&a, "argsz") ?? 24
            try finishHost(a, positionalCount: 2, accepted: ["iova", "size", "flags", "argsz", "by"], words: ["all"])
            return .vfioUnmap(container: container, request: VFIODMAUnmap(argsz: argsz, flags: flags, iova: iova, size: size), by: by)
        case "cache-invalidate":
            return .vfioCacheInvalidate(container: container, request: try cacheInvalidateRequest(&a), by: by)
        default:
            try finishHost(a, positionalCount: 2, accepted: [])
            return .vfioClose(container: container)
        }
    }

    /// `struct vfio_iommu_type1_cache_invalidate` from words: cache types, granularity, the union.
    static func cacheInvalidateRequest(_ a: inout Arguments) throws(LineError) -> VFIOCacheInvalidateRequest {
        typealias R = VFIOCacheInvalidateRequest
        guard let ct = a.option("cache"), let ckv = ct.keyValue else { throw LineError(lineEnd(a), "vfio cache-invalidate: expected cache=iotlb[,dev-iotlb][,pasid]") }
        var cache: UInt8 = 0
        for part in ckv.value.lowercased().split(separator: ",") {
            switch part {
            case "iotlb": cache |= R.cacheIOTLB
            case "dev-iotlb", "dev_iotlb", "devtlb": cache |= R.cacheDevIOTLB
            case "pasid": cache |= R.cachePASID
            default:
                if let v = try? HexInput.number(part), v <= 0xff { cache |= UInt8(v) } else {
                    throw LineError(ct.valueColumn, "cache: iotlb, dev-iotlb, pasid (comma-separated) or a number, got '\(part)'")
                }
            }
        }
        guard let gt = a.option("granu"), let gkv = gt.keyValue else { throw LineError(lineEnd(a), "vfio cache-invalidate: expected granu=domain|pasid|addr") }
        let granu: UInt8
        switch gkv.value.lowercased() {
        case "domain": granu = R.granuDomain
        case "pasid": granu = R.granuPASID
        case "addr": granu = R.granuAddr
        default:
            guard let v = try? HexInput.number(gkv.value), v <= 0xff else { throw LineError(gt.valueColumn, "granu: domain, pasid, addr or a number") }
            granu = UInt8(v)
        }
        let pasid = try a.numberOption("pasid")
        let archid = try u32Option(&a, "archid")
        let leaf = a.flag("leaf")
        var infoFlags: UInt32 = (pasid != nil ? R.addrFlagPASID : 0) | (archid != nil ? R.addrFlagArchID : 0)
        if granu == R.granuAddr && leaf { infoFlags |= R.addrFlagLeaf }
        if let f = try u32Option(&a, "info-flags") { infoFlags = f }
        let addr = try a.numberOption("addr") ?? 0
        let granule = try a.numberOption("granule") ?? 4096
        let granules = try a.numberOption("granules") ?? 1
        var req: R = granu == R.granuPASID
            ? R(cache: cache, granularity: granu, union: [UInt64(infoFlags) | UInt64(archid ?? 0) << 32, pasid ?? 0])
            : R(cache: cache, granularity: granu, union: [UInt64(infoFlags) | UInt64(archid ?? 0) << 32, pasid ?? 0, addr, granule, granules])
        if let v = try u32Option(&a, "argsz") { req.argsz = v }
        if let v = try u32Option(&a, "flags") { req.flags = v }
        if let v = try u32Option(&a, "version") { req.version = v }
        if let v = try a.numberOption("padding") {
            guard v <= 0xffff else { throw LineError(a.options["padding"]?.valueColumn ?? 1, "padding is 16 bits") }
            req.padding = UInt16(v)
        }
        try finishHost(a, positionalCount: 2, accepted: ["cache", "granu", "pasid", "archid", "info-flags", "addr", "granule", "granules", "argsz", "flags", "version", "padding", "by"], words: ["leaf"])
        return req
    }

    // MARK: sPAPR

    static func parseSPAPR(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let sub = try subcommand(&a, ["group", "attach", "detach", "enable", "disable", "info", "register", "unregister", "create-window", "remove-window"])
        let by = byOption(&a)
        let op = sub.text.lowercased()
        if op == "group" {
            let idToken = try a.positional(1, "a group number")
            let id = try a.number(idToken, "group")
            guard id < 1 << 16 else { throw LineError(idToken.column, "group number too large") }
            var g = SPAPRGroup(id: Int(id), platform: a.flag("legacy") ? .legacy : .ioda2)
            if let s = try a.numberOption("tce32") { g.tce32Size = s }
            if let l = try a.numberOption("levels") {
                guard (1...5).contains(l) else { throw LineError(a.options["levels"]?.valueColumn ?? 1, "levels is 1-5") }
                g.maxLevels = Int(l)
            }
            if let w = try a.numberOption("windows") {
                guard w <= 2 else { throw LineError(a.options["windows"]?.valueColumn ?? 1, "IOMMU_TABLE_GROUP_MAX_TABLES is 2") }
                g.maxDynamicWindows = Int(w)
            }
            try finishHost(a, positionalCount: 2, accepted: ["tce32", "levels", "windows"], words: ["legacy"])
            return .addSPAPRGroup(g)
        }
        let container = try a.positional(1, "a container name").text
        switch op {
        case "attach", "detach":
            let g = try requireOption(&a, "group", "ID")
            guard g < 1 << 16 else { throw LineError(a.options["group"]?.valueColumn ?? 1, "group number too large") }
            try finishHost(a, positionalCount: 2, accepted: ["group"])
            return op == "attach" ? .spaprAttachGroup(container: container, group: Int(g)) : .spaprDetachGroup(container: container, group: Int(g))
        case "enable", "disable":
            try finishHost(a, positionalCount: 2, accepted: ["by"])
            return op == "enable" ? .spaprEnable(container: container, by: by) : .spaprDisable(container: container, by: by)
        case "info":
            let argsz = try u32Option(&a, "argsz") ?? 32
            try finishHost(a, positionalCount: 2, accepted: ["argsz", "by"])
            return .spaprGetInfo(container: container, argsz: argsz, by: by)
        case "register", "unregister":
            let vaddr = try requireOption(&a, "vaddr", "VA")
            let size = try requireOption(&a, "size", "SIZE")
            let argsz = try u32Option(&a, "argsz") ?? 24
            let flags = try u32Option(&a, "flags") ?? 0
            try finishHost(a, positionalCount: 2, accepted: ["vaddr", "size", "argsz", "flags", "by"])
            let r = VFIOSPAPRRegisterMemory(argsz: argsz, flags: flags, vaddr: vaddr, size: size)
            return op == "register" ? .spaprRegister(container: container, request: r, by: by) : .spaprUnregister(container: container, request: r, by: by)
        case "create-window":
            guard let page = try shiftOf(&a, "page") else { throw LineError(lineEnd(a), "spapr create-window: expected page=SIZE (4K, 64K, 16M)") }
            let size = try requireOption(&a, "size", "SIZE")
            let levels = try u32Option(&a, "levels") ?? 1
            let argsz = try u32Option(&a, "argsz") ?? 40
            let flags = try u32Option(&a, "flags") ?? 0
            try finishHost(a, positionalCount: 2, accepted: ["page", "size", "levels", "argsz", "flags", "by"])
            return .spaprCreateWindow(container: container, request: VFIOSPAPRTCECreate(argsz: argsz, flags: flags, pageShift: UInt32(page), windowSize: size, levels: levels), by: by)
        default:
            let start = try requireOption(&a, "start", "ADDR")
            let argsz = try u32Option(&a, "argsz") ?? 16
            let flags = try u32Option(&a, "flags") ?? 0
            try finishHost(a, positionalCount: 2, accepted: ["start", "argsz", "flags", "by"])
            return .spaprRemoveWindow(container: container, request: VFIOSPAPRTCERemove(argsz: argsz, flags: flags, startAddr: start), by: by)
        }
    }

    // MARK: iommufd

    static func parseIOMMUFD(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let sub = try subcommand(&a, ["open", "close", "bind", "ioas-alloc", "ioas-map", "ioas-unmap", "ioas-copy", "iova-ranges", "allow-iovas", "hw-info", "set-dirty", "get-dirty", "raw", "vfio-ioas", "vfio", "option", "hwpt-alloc", "viommu-alloc",
                                      "vdevice-alloc", "attach", "replace", "detach", "destroy", "invalidate"])
        let op = sub.text.lowercased()
        if op == "invalidate" { return try parseInvalidate(&a) }
        if op == "raw" { return try parseRaw(&a) }
        if op == "vfio-ioas" || op == "vfio" { return try parseCompat(&a, op: op) }
        let by = byOption(&a)
        let fd = a.stringOption("in")
        if op == "option" { return try parseOption(&a, first: a.positionals.count > 1 ? a.positionals[1] : nil, fd: fd, by: by) }
        let name = try a.positional(1, op == "open" || op.hasSuffix("-alloc") ? "a name for the new object" : "an object name").text
        switch op {
        case "open":
            try finishHost(a, positionalCount: 2, accepted: [])
            return .iommufdOpen(name: name)
        case "close":
            try finishHost(a, positionalCount: 2, accepted: [])
            return .iommufdClose(iommufd: name)
        case "bind":
            try finishHost(a, positionalCount: 2, accepted: ["in"])
            return .iommufdBind(device: name, iommufd: fd)
        case "ioas-alloc":
            try finishHost(a, positionalCount: 2, accepted: ["in"])
            return .iommufdIOASAlloc(name: name, iommufd: fd)
        case "ioas-map":
            let vaddr = try requireOption(&a, "vaddr", "VA")
            let size = try requireOption(&a, "size", "SIZE")
            let iova = try a.numberOption("iova")
            let (r, w) = accessFlags(&a)
            try finishHost(a, positionalCount: 2, accepted: ["vaddr", "size", "iova", "by"], words: ["r", "w", "rw", "ro", "wo"])
            return .iommufdIOASMap(ioas: name, vaddr: vaddr, length: size, iova: iova, read: r, write: w, by: by)
        case "ioas-unmap":
            if a.flag("all") {
                try finishHost(a, positionalCount: 2, accepted: [], words: ["all"])
                return .iommufdIOASUnmap(ioas: name, iova: 0, length: UInt64.max)
            }
            let iova = try requireOption(&a, "iova", "IOVA")
            let size = try requireOption(&a, "size", "SIZE")
            try finishHost(a, positionalCount: 2, accepted: ["iova", "size"], words: ["all"])
            return .iommufdIOASUnmap(ioas: name, iova: iova, length: size)
        case "ioas-copy":
            let src = try a.positional(2, "the source IOAS").text
            let srcIOVA = try requireOption(&a, "src-iova", "IOVA")
            let size = try requireOption(&a, "size", "SIZE")
            let dstIOVA = try a.numberOption("dst-iova")
            try finishHost(a, positionalCount: 3, accepted: ["src-iova", "size", "dst-iova"])
            return .iommufdIOASCopy(dst: name, src: src, srcIOVA: srcIOVA, dstIOVA: dstIOVA, length: size)
        case "iova-ranges":
            let num = try u32Option(&a, "num")
            try finishHost(a, positionalCount: 2, accepted: ["num"])
            return .iommufdIOVARanges(ioas: name, numIOVAs: num)
        case "allow-iovas":
            return .iommufdAllowIOVAs(ioas: name, ranges: try allowedRanges(&a))
        case "set-dirty":
            let on = a.flag("on"), off = a.flag("off")
            let flags = try u32Option(&a, "flags")
            guard on != off || flags != nil else { throw LineError(lineEnd(a), "iommufd set-dirty HWPT: expected on or off") }
            try finishHost(a, positionalCount: 2, accepted: ["flags"], words: ["on", "off"])
            return .iommufdSetDirtyTracking(hwpt: name, enable: on, flags: flags)
        case "get-dirty":
            let iova = try requireOption(&a, "iova", "IOVA")
            let size = try requireOption(&a, "size", "SIZE")
            let page = try a.numberOption("page") ?? 4096
            let noClear = a.flag("no-clear")
            let flags = try u32Option(&a, "flags")
            try finishHost(a, positionalCount: 2, accepted: ["iova", "size", "page", "flags"], words: ["no-clear"])
            return .iommufdGetDirtyBitmap(hwpt: name, iova: iova, length: size, pageSize: page, noClear: noClear, flags: flags)
        case "hw-info":
            let len = try u32Option(&a, "data-len")
            let type = try u32Option(&a, "type")
            let flags = try u32Option(&a, "flags")
            try finishHost(a, positionalCount: 2, accepted: ["data-len", "type", "flags"])
            return .iommufdGetHWInfo(device: name, dataLen: len, inType: type, flags: flags)
        case "hwpt-alloc":
            return try parseHWPTAlloc(&a, name: name)
        case "viommu-alloc":
            guard let dev = a.stringOption("dev"), let hwpt = a.stringOption("hwpt") else { throw LineError(lineEnd(a), "iommufd viommu-alloc: expected dev=DEV hwpt=PARENT") }
            try finishHost(a, positionalCount: 2, accepted: ["dev", "hwpt"])
            return .iommufdVIOMMUAlloc(name: name, device: dev, hwpt: hwpt)
        case "vdevice-alloc":
            guard let v = a.stringOption("viommu"), let dev = a.stringOption("dev") else { throw LineError(lineEnd(a), "iommufd vdevice-alloc: expected viommu=V dev=DEV virt-id=N") }
            let virt = try requireOption(&a, "virt-id", "N")
            try finishHost(a, positionalCount: 2, accepted: ["viommu", "dev", "virt-id"])
            return .iommufdVDeviceAlloc(name: name, viommu: v, device: dev, virtID: virt)
        case "attach", "replace":
            guard let pt = a.stringOption("pt") else { throw LineError(lineEnd(a), "iommufd \(op): expected pt=IOAS|HWPT") }
            try finishHost(a, positionalCount: 2, accepted: ["pt"])
            return .iommufdAttach(device: name, pt: pt, replace: op == "replace")
        case "detach":
            try finishHost(a, positionalCount: 2, accepted: [])
            return .iommufdDetach(device: name)
        default:
            try finishHost(a, positionalCount: 2, accepted: [])
            return .iommufdDestroy(object: name)
        }
    }

    /// `iommufd vfio-ioas get|set IOAS|clear [in=ICTX]` and `iommufd vfio ICTX check-extension EXT |
    /// set-iommu N | map vaddr= iova= size= [r|w|rw] [argsz=] [flags=] [by=] | unmap iova= size= | unmap all`.
    static func parseCompat(_ a: inout Arguments, op: String) throws(LineError) -> HostCommand {
        let fd = a.stringOption("in")
        let verb = try a.positional(1, op == "vfio-ioas" ? "get, set or clear" : "the iommufd")
        if op == "vfio-ioas" {
            switch verb.text.lowercased() {
            case "get":
                try finishHost(a, positionalCount: 2, accepted: ["in"])
                return .iommufdVFIOIOAS(op: 0, ioas: nil, iommufd: fd)
            case "set":
                let ioas = try a.positional(2, "the IOAS")
                try finishHost(a, positionalCount: 3, accepted: ["in"])
                return .iommufdVFIOIOAS(op: 1, ioas: ioas.text, iommufd: fd)
            case "clear":
                try finishHost(a, positionalCount: 2, accepted: ["in"])
                return .iommufdVFIOIOAS(op: 2, ioas: nil, iommufd: fd)
            default:
                if let n = try? HexInput.number(verb.text), n <= 0xffff {
                    try finishHost(a, positionalCount: 2, accepted: ["in"])
                    return .iommufdVFIOIOAS(op: UInt16(n), ioas: nil, iommufd: fd)
                }
                throw LineError(verb.column, "iommufd vfio-ioas: get, set IOAS, clear (or an op number)")
            }
        }
        let ictx = verb.text
        let by = a.stringOption("by")
        let what = try a.positional(2, "check-extension, set-iommu, map or unmap")
        let req: IOMMUFDCompatRequest
        switch what.text.lowercased() {
        case "check-extension", "set-iommu":
            let t = try a.positional(3, "an extension or type")
            let n: UInt32
            if let v = VFIOExtension.names.first(where: { $0.0 == t.text.lowercased() })?.1 { n = v } else {
                let v = try a.number(t, "type")
                guard v <= UInt64(UInt32.max) else { throw LineError(t.column, "a 32-bit ioctl argument") }
                n = UInt32(v)
            }
            try finishHost(a, positionalCount: 4, accepted: ["by"])
            req = what.text.lowercased() == "set-iommu" ? .setIOMMU(n) : .checkExtension(n)
        case "map":
            let vaddr = try requireOption(&a, "vaddr", "VA")
            let iova = try requireOption(&a, "iova", "IOVA")
            let size = try requireOption(&a, "size", "SIZE")
            let (r, w) = accessFlags(&a)
            var flags = (r ? VFIODMAMap.flagRead : 0) | (w ? VFIODMAMap.flagWrite : 0)
            if let f = try u32Option(&a, "flags") { flags = f }
            let argsz = try u32Option(&a, "argsz") ?? 32
            try finishHost(a, positionalCount: 3, accepted: ["vaddr", "iova", "size", "flags", "argsz", "by"], words: ["r", "w", "rw", "ro", "wo"])
            req = .map(VFIODMAMap(argsz: argsz, flags: flags, vaddr: vaddr, iova: iova, size: size))
        case "unmap":
            let all = a.flag("all")
            let iova = try a.numberOption("iova") ?? 0
            let size = try a.numberOption("size") ?? 0
            if !all && (a.options["iova"] == nil || a.options["size"] == nil) { throw LineError(lineEnd(a), "iommufd vfio ICTX unmap: expected iova=IOVA size=SIZE, or all") }
            var flags = all ? VFIODMAUnmap.flagAll : 0
            if let f = try u32Option(&a, "flags") { flags = f }
            let argsz = try u32Option(&a, "argsz") ?? 24
            try finishHost(a, positionalCount: 3, accepted: ["iova", "size", "flags", "argsz", "by"], words: ["all"])
            req = .unmap(VFIODMAUnmap(argsz: argsz, flags: flags, iova: iova, size: size))
        default:
            throw LineError(what.column, "iommufd vfio: check-extension, set-iommu, map or unmap, not '\(what.text)'")
        }
        return .iommufdCompat(iommufd: ictx, request: req, by: by)
    }

    /// `iommufd raw OP [size=N] [qwords=Q,...] [tail=Q,...] [MEMBER=V ...] [in=ICTX] [by=PROC]`.
    static func parseRaw(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let opToken = try a.positional(1, "an ioctl: \(IOMMUFDIoctls.all.map(\.word).joined(separator: ", ")), its IOMMU_* name or number")
        var call: IOMMUFDRawCall
        if let op = IOMMUFDIoctls.op(opToken.text) {
            call = IOMMUFDRawCall(nr: op.nr)
        } else if let n = try? HexInput.number(opToken.text), n <= 0xffff_ffff {
            // Not a modelled iommufd command: the kernel's answer (ENOTTY) is the point.
            call = IOMMUFDRawCall(nr: UInt32(n & 0xff), base: [UInt64(0x10)])
        } else {
            throw LineError(opToken.column, "iommufd raw: unknown ioctl '\(opToken.text)'; known: \(IOMMUFDIoctls.all.map(\.word).joined(separator: ", "))")
        }
        let by = a.stringOption("by"), fd = a.stringOption("in")
        func qwords(_ key: String) throws(LineError) -> [UInt64] {
            guard let t = a.option(key), let kv = t.keyValue else { return [] }
            var out: [UInt64] = []
            for part in kv.value.split(separator: ",") {
                do { out.append(try HexInput.number(part)) } catch { throw LineError(t.valueColumn, "\(key): \(error)") }
            }
            return out
        }
        call.base = try qwords("qwords")
        call.tail = try qwords("tail")
        call.size = try u32Option(&a, "size")
        let layout = IOMMUFDIoctls.all.first { $0.nr == call.nr }?.layout
        let members = (layout?.fields.map(\.name) ?? []).filter { $0 != "size" }
        for (k, t) in a.options.sorted(by: { $0.value.column < $1.value.column }) where !["by", "in", "qwords", "tail", "size"].contains(k) {
            guard let name = members.first(where: { $0 == k || $0 == String(k.map { $0 == "-" ? "_" : $0 }) }) else {
                throw LineError(t.column, "iommufd raw \(opToken.text): no member '\(k)'; members: \(members.joined(separator: ", ")), plus size=, qwords=, tail=")
            }
            let v = try a.numberOption(k) ?? 0
            call.fields.append(IOMMUFDRawField(name, v))
        }
        try finishHost(a, positionalCount: 2, accepted: Array(a.options.keys))
        return .iommufdRaw(call: call, iommufd: fd, by: by)
    }

    /// `iommufd allow-iovas IOAS START-LAST [START-LAST...]` or `... none` (an empty list).
    static func allowedRanges(_ a: inout Arguments) throws(LineError) -> [IOMMUIOVARange] {
        let words = Array(a.positionals.dropFirst(2))
        try finishHost(a, positionalCount: a.positionals.count, accepted: [])
        if words.count == 1, words[0].text.lowercased() == "none" { return [] }
        var out: [IOMMUIOVARange] = []
        for t in words {
            let parts = t.text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw LineError(t.column, "iommufd allow-iovas: expected START-LAST (inclusive, e.g. 0x100000-0x1fffff) or none, got '\(t.text)'") }
            do {
                out.append(IOMMUIOVARange(start: try HexInput.number(parts[0]), last: try HexInput.number(parts[1])))
            } catch { throw LineError(t.column, "iommufd allow-iovas: \(error)") }
        }
        return out
    }

    /// `iommufd option rlimit-mode=...` (the name slot holds the option) or `iommufd option IOAS huge-pages=on|off`.
    static func parseOption(_ a: inout Arguments, first: Token?, fd: String?, by: String?) throws(LineError) -> HostCommand {
        if let t = a.option("rlimit-mode"), let kv = t.keyValue {
            let mode: IOPTAccountMode?
            switch kv.value.lowercased() {
            case "user", "0": mode = .user
            case "mm", "1": mode = .mm
            case "get": mode = nil
            default: throw LineError(t.valueColumn, "rlimit-mode is user (0), mm (1) or get")
            }
            // RLIMIT_MODE is global: no object after `option`.
            try finishHost(a, positionalCount: 1, accepted: ["rlimit-mode", "in", "by"])
            return .iommufdAccounting(mode: mode, iommufd: fd, by: by)
        }
        guard let t = a.option("huge-pages"), let kv = t.keyValue else {
            throw LineError(lineEnd(a), "iommufd option: expected rlimit-mode=user|mm|get, or IOAS huge-pages=on|off")
        }
        let on: Bool
        switch kv.value.lowercased() {
        case "on", "1": on = true
        case "off", "0": on = false
        default: throw LineError(t.valueColumn, "huge-pages is on (1) or off (0)")
        }
        guard let ioas = first else { throw LineError(t.column, "iommufd option huge-pages: name the IOAS first (iommufd option IOAS huge-pages=off)") }
        try finishHost(a, positionalCount: 2, accepted: ["huge-pages"])
        return .iommufdHugePages(ioas: ioas.text, enabled: on)
    }

    static func parseHWPTAlloc(_ a: inout Arguments, name: String) throws(LineError) -> HostCommand {
        guard let dev = a.stringOption("dev"), let pt = a.stringOption("pt") else { throw LineError(lineEnd(a), "iommufd hwpt-alloc: expected dev=DEV pt=IOAS|HWPT|VIOMMU") }
        let nest = a.flag("nest-parent")
        let dirty = a.flag("dirty-tracking")
        var data: HWPTAllocData? = nil
        var accepted = ["dev", "pt"]
        if let t = a.option("data"), let kv = t.keyValue {
            switch kv.value.lowercased() {
            case "vtd_s1", "vtd-s1":
                guard let pg = a.option("pgtbl"), let pkv = pg.keyValue else { throw LineError(lineEnd(a), "data=vtd_s1 needs pgtbl=SPACE or pgtbl=GPA") }
                let root: GuestTableRoot = (try? HexInput.number(pkv.value)).map { .address($0) } ?? .space(pkv.value)
                let width = try u32Option(&a, "addr-width")
                var flags: UInt64 = 0
                if a.flag("sre") { flags |= 1 }
                if a.flag("eafe") { flags |= 2 }
                if a.flag("wpe") { flags |= 4 }
                if let f = try a.numberOption("s1-flags") { flags = f }
                let reserved = try u32Option(&a, "reserved") ?? 0
                data = .vtdS1(flags: flags, pgtbl: root, addrWidth: width, reserved: reserved)
                accepted += ["data", "pgtbl", "addr-width", "s1-flags", "reserved"]
            case "arm_smmuv3", "arm-smmuv3":
                let ste0 = try requireOption(&a, "ste0", "QWORD")
                let ste1 = try a.numberOption("ste1") ?? 0
                data = .armSMMUv3(ste0: ste0, ste1: ste1)
                accepted += ["data", "ste0", "ste1"]
            default:
                throw LineError(t.valueColumn, "data is vtd_s1 or arm_smmuv3 (or give data-type=N data-qwords=...)")
            }
        } else if let type = try u32Option(&a, "data-type") {
            var bytes: [UInt8] = []
            if let q = a.option("data-qwords"), let qkv = q.keyValue {
                var words: [UInt64] = []
                for part in qkv.value.split(separator: ",") {
                    do { words.append(try HexInput.number(part)) } catch { throw LineError(q.valueColumn, "data-qwords: \(error)") }
                }
                bytes = UAPIByteOrder.littleEndianBytes(words)
            }
            data = .raw(type: type, bytes: bytes)
            accepted += ["data-type", "data-qwords"]
        }
        try finishHost(a, positionalCount: 2, accepted: accepted, words: ["nest-parent", "dirty-tracking", "sre", "wpe", "eafe"])
        return .iommufdHWPTAlloc(name: name, device: dev, pt: pt, nestParent: nest, data: data, dirtyTracking: dirty)
    }

    /// `iommufd invalidate TARGET [header...] entries: E [; E]...` or `... cmds: QW0 QW1 [; ...]`. The
    /// entries repeat keys, so this reads the raw tokens in order.
    static func parseInvalidate(_ a: inout Arguments) throws(LineError) -> HostCommand {
        let toks = a.tokens
        guard toks.count >= 2 else { throw LineError(lineEnd(a), "iommufd invalidate: expected a nested HWPT or vIOMMU, then entries: or cmds:") }
        let target = toks[1]
        guard target.keyValue == nil else { throw LineError(target.column, "iommufd invalidate: expected the HWPT or vIOMMU name before \(target.text)") }
        guard let markerIndex = toks.firstIndex(where: { ["entries:", "cmds:"].contains($0.text.lowercased()) }) else {
            throw LineError(lineEnd(a), "iommufd invalidate: expected `entries:` (VT-d) or `cmds:` (SMMUv3) before the array")
        }
        var spec = HWPTInvalidateSpec(entries: .vtd([]))
        for t in toks[2..<markerIndex] {
            guard let kv = t.keyValue else { throw LineError(t.column, "iommufd invalidate: unexpected '\(t.text)' before the array") }
            let v: UInt64
            do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "\(kv.key): \(error)") }
            func u32() throws(LineError) -> UInt32 {
                guard v <= UInt64(UInt32.max) else { throw LineError(t.valueColumn, "\(kv.key) is a 32-bit member") }
                return UInt32(v)
            }
            switch kv.key {
            case "entry-len": spec.entryLen = try u32()
            case "entry-num": spec.entryNum = try u32()
            case "data-type": spec.dataType = try u32()
            case "uptr": spec.dataUptr = v
            case "reserved": spec.reserved = try u32()
            default: throw LineError(t.column, "iommufd invalidate: unknown header member '\(kv.key)' (entry-len, entry-num, data-type, uptr, reserved)")
            }
        }
        // Entries separated by ';' (alone or stuck to the end of a word).
        let groups = (toks[(markerIndex + 1)...]).splitAtSemicolons()
        if toks[markerIndex].text.lowercased() == "cmds:" {
            var cmds: [SMMUCommandWords] = []
            for g in groups {
                guard g.count == 2 else { throw LineError(g[0].column, "an SMMUv3 command is two qwords (dw0 dw1), got \(g.count)") }
                var w: [UInt64] = []
                for t in g {
                    do { w.append(try HexInput.number(t.text)) } catch { throw LineError(t.column, "\(error)") }
                }
                cmds.append(SMMUCommandWords(w[0], w[1]))
            }
            spec.entries = .smmu(cmds)
        } else {
            spec.entries = try Statements.vtdInvalidateEntries(groups)
        }
        // Every option was read from the raw tokens.
        for k in a.options.keys { _ = a.option(k) }
        return .iommufdInvalidate(target: target.text, request: spec)
    }

    // MARK: expectations

    /// `expect errno=NAME|0`, `expect locked-vm PROC=SIZE`, `expect entry-num=N`, `expect out NAME=VALUE`;
    /// nil when the expectation is not a host one.
    static func parseHostExpect(_ a: inout Arguments) throws(LineError) -> MachineCommand? {
        if let t = a.options["errno"], let kv = t.keyValue {
            _ = a.option("errno")
            let want: Errno?
            if let n = try? HexInput.number(kv.value) {
                // A number like everything else: 0 (or 0x0) is success, otherwise the errno value.
                if n == 0 { want = nil } else {
                    guard let e = Int32(exactly: n).flatMap(Errno.init(rawValue:)) else {
                        throw LineError(t.valueColumn, "errno \(kv.value) is not one the model returns (\(Errno.allCases.map { "\($0.name)=\($0.rawValue)" }.joined(separator: ", ")))")
                    }
                    want = e
                }
            } else {
                guard let e = Errno(name: kv.value) else {
                    throw LineError(t.valueColumn, "unknown errno '\(kv.value)' (0, \(Errno.allCases.map(\.name).joined(separator: ", ")))")
                }
                want = e
            }
            try finishHost(a, positionalCount: 0, accepted: ["errno"])
            return .expect(.hostErrno(want))
        }
        if let t = a.options["ret"], let kv = t.keyValue {
            _ = a.option("ret")
            // What the ioctl returned: 0, a negative errno (-22 or -EINVAL), or a positive value.
            let negative = kv.value.hasPrefix("-")
            let body = negative ? String(kv.value.dropFirst()) : kv.value
            let want: Int64
            if let e = Errno(name: body), negative || body.uppercased().hasPrefix("E") {
                want = -Int64(e.rawValue)
            } else {
                let n: UInt64
                do { n = try HexInput.number(body) } catch { throw LineError(t.valueColumn, "ret: \(error) (a return value: 0, -22, -EINVAL or a positive number)") }
                guard let v = Int64(exactly: n) else { throw LineError(t.valueColumn, "ret: \(kv.value) does not fit a long") }
                want = negative ? -v : v
            }
            try finishHost(a, positionalCount: 0, accepted: ["ret"])
            return .expect(.hostReturn(want))
        }
        for key in ["entry-num", "entry_num"] {
            if let n = try a.numberOption(key) {
                try finishHost(a, positionalCount: 0, accepted: [key])
                return .expect(.hostOutput(name: "entry_num", value: n))
            }
        }
        guard let first = a.positionals.first else { return nil }
        switch first.text.lowercased() {
        case "pinned", "pinned-vm":
            guard a.options.count == 1, let (_, t) = a.options.first, let kv = t.keyValue else {
                throw LineError(lineEnd(a), "expect \(first.text): expected PROC=SIZE (the process's mm->pinned_vm)")
            }
            let v: UInt64
            do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "pinned: \(error)") }
            _ = a.option(kv.key)
            try finishHost(a, positionalCount: 1, accepted: [kv.key])
            return .expect(.pinnedVM(process: String(t.text.prefix { $0 != "=" }), bytes: v))
        case "locked-vm":
            guard a.options.count == 1, let (proc, t) = a.options.first, let kv = t.keyValue else {
                throw LineError(lineEnd(a), "expect locked-vm: expected PROC=SIZE or uid:N=SIZE (one of them)")
            }
            // A sum reads better than a byte count: 264M+256K.
            var v: UInt64 = 0
            for part in kv.value.split(separator: "+") {
                do { v &+= try HexInput.number(part) } catch { throw LineError(t.valueColumn, "locked-vm: \(error)") }
            }
            _ = a.option(proc)
            try finishHost(a, positionalCount: 1, accepted: [proc])
            if proc.hasPrefix("uid:") {
                guard let uid = UInt32(proc.dropFirst(4)) else { throw LineError(t.column, "expect locked-vm uid:N=SIZE needs a numeric uid") }
                return .expect(.userLockedVM(uid: uid, bytes: v))
            }
            // Process names are case-sensitive; the key was lower-cased by the lexer, so take it as written.
            return .expect(.lockedVM(process: String(t.text.prefix { $0 != "=" }), bytes: v))
        case "out":
            guard a.options.count == 1, let (name, t) = a.options.first, let kv = t.keyValue else {
                throw LineError(lineEnd(a), "expect out: expected NAME=VALUE (one output of the last host step)")
            }
            let v: UInt64
            do { v = try HexInput.number(kv.value) } catch { throw LineError(t.valueColumn, "\(name): \(error)") }
            _ = a.option(name)
            try finishHost(a, positionalCount: 1, accepted: [name])
            return .expect(.hostOutput(name: name, value: v))
        default:
            return nil
        }
    }
}
