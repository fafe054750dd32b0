/// VFIO_CHECK_EXTENSION and VFIO_SET_IOMMU by number (drivers/vfio/container.c
/// `vfio_container_ioctl_check_extension`, `vfio_ioctl_set_iommu`; vfio_iommu_type1.c
/// `vfio_iommu_type1_check_extension`, `vfio_iommu_type1_open`; vfio_iommu_spapr_tce.c
/// `tce_iommu_ioctl`).
public enum VFIOExtension {
    public static let type1: UInt32 = 1
    public static let spaprTCE: UInt32 = 2
    public static let type1v2: UInt32 = 3
    public static let dmaCC: UInt32 = 4
    public static let eeh: UInt32 = 5
    public static let type1Nesting: UInt32 = 6
    public static let spaprTCEv2: UInt32 = 7
    public static let noIOMMU: UInt32 = 8
    public static let unmapAll: UInt32 = 9
    public static let updateVaddr: UInt32 = 10

    /// The uAPI names, for scenario words.
    public static let names: [(String, UInt32)] = [("type1", 1), ("spapr", 2), ("type1v2", 3), ("dma-cc", 4), ("eeh", 5), ("type1-nesting", 6),
                                                   ("spapr-v2", 7), ("noiommu", 8), ("unmap-all", 9), ("update-vaddr", 10)]
}

extension HostState {
    /// The IOMMU backends registered on this host: type1 on x86/Arm (IOMMU units), sPAPR TCE on a
    /// host with sPAPR groups (Kconfig selects one per platform).
    var vfioDrivers: [String] {
        (config.units.isEmpty ? [] : ["type1"]) + (spaprGroups.isEmpty ? [] : ["spapr"])
    }

    /// One backend's CHECK_EXTENSION; `container` nil is the `iommu == NULL` call made while no
    /// backend is set.
    func checkExtension(driver: String, _ ext: UInt32, container: Type1Container?) -> Int64 {
        typealias E = VFIOExtension
        if driver == "spapr" {
            // tce_iommu_ioctl: both TCE types; VFIO_EEH when EEH is enabled (on every modelled PE).
            return [E.spaprTCE, E.spaprTCEv2, E.eeh].contains(ext) ? 1 : 0
        }
        switch ext {
        case E.type1, E.type1v2, E.type1Nesting, E.unmapAll: return 1
        // No emulated (mdev) groups are modelled, so vaddr updates are allowed once a container is set.
        case E.updateVaddr: return container == nil ? 0 : 1
        case E.dmaCC:
            guard let c = container else { return 0 }
            return HostDrivers.driver(for: c.iommu)?.enforceCacheCoherency(self, unit: c.iommu) == true ? 1 : 0
        default: return 0
        }
    }

    /// VFIO_CHECK_EXTENSION on a container fd: with a backend set only that backend answers;
    /// otherwise every registered backend is polled and the first positive answer returned.
    public func vfioCheckExtension(container handle: Int?, _ ext: UInt32) -> HostResult {
        let ret: Int64
        let who: String
        if let h = handle {
            if let c = type1Containers[h] {
                ret = checkExtension(driver: "type1", ext, container: c)
                who = "vfio_iommu_type1_check_extension"
            } else if spaprContainers[h] != nil {
                ret = checkExtension(driver: "spapr", ext, container: nil)
                who = "tce_iommu_ioctl"
            } else {
                return .fail(.EBADF, "no container \(h)", by: "model")
            }
        } else {
            ret = vfioDrivers.lazy.map { self.checkExtension(driver: $0, ext, container: nil) }.first { $0 > 0 } ?? 0
            who = "vfio_container_ioctl_check_extension"
        }
        let name = VFIOExtension.names.first { $0.1 == ext }?.0 ?? "extension \(ext)"
        return HostResult(returnValue: ret, sentence: "\(name): \(ret > 0 ? "supported" : "not supported")\(handle == nil ? " (no backend set: registered backends polled)" : "")",
                          decidedBy: who)
    }

    /// VFIO_SET_IOMMU with a raw type number: the first registered backend whose CHECK_EXTENSION
    /// takes the number opens it; none → -ENODEV; type1's open takes only 1, 3 and 6 (-EINVAL for
    /// VFIO_UNMAP_ALL, which its CHECK_EXTENSION also reports).
    public mutating func vfioSetIOMMU(pid: HostPID, typeNumber: UInt32, devices names: [String]) -> HostResult {
        if let t = Type1IOMMUType(rawValue: typeNumber) { return type1Open(pid: pid, type: t, devices: names) }
        guard processes[pid] != nil else { return .fail(.ESRCH, "no process \(pid)", by: "model") }
        for d in vfioDrivers where checkExtension(driver: d, typeNumber, container: nil) > 0 {
            if d == "type1" {
                return .fail(.EINVAL, "vfio_iommu_type1_open takes VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_NESTING_IOMMU, not \(typeNumber)", by: "vfio_iommu_type1_open")
            }
            return .fail(.EINVAL, "an sPAPR TCE backend is opened with `vfio open C spapr-v1|spapr-v2` (its groups attach separately)", by: "model")
        }
        return .fail(.ENODEV, "no registered IOMMU backend (\(vfioDrivers.joined(separator: ", "))) reports extension \(typeNumber)", by: "vfio_ioctl_set_iommu")
    }
}
