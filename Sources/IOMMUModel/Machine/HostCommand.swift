/// One host-side operation (a syscall or ioctl of the VMM, or a piece of host setup), by name: the
/// machine resolves processes, containers, iommufds and iommufd objects by the names scenarios give
/// them, runs the operation on `Machine.host`, and carries out its hardware effects on the engines.
///
/// `by` names the process doing the ioctl (nil: the process created last); `iommufd` names the
/// iommufd a new object goes into (nil: the one opened last). An object reference is a name given
/// when the object was made, or a plain number meaning that object id in the chosen iommufd (so a
/// scenario can aim at an id that does not exist).
public enum HostCommand: Sendable, Equatable {
    // MARK: host setup
    /// The host kernel's PAGE_SIZE (4 KiB or 64 KiB); only before any process or device exists.
    case configure(pageShift: Int)
    /// A process (the VMM) with RLIMIT_MEMLOCK in bytes and its capabilities; pid nil = next free.
    case process(name: String, pid: HostPID?, uid: HostUID, memlock: UInt64, capIPCLock: Bool, capSysResource: Bool)
    /// setrlimit(RLIMIT_MEMLOCK).
    case setMemlock(process: String, bytes: UInt64)
    /// capset: grant or drop CAP_IPC_LOCK / CAP_SYS_RESOURCE (nil keeps the current value).
    case setCapabilities(process: String, ipcLock: Bool?, sysResource: Bool?)
    /// exit(2): the process's mm goes away; later calls naming it get -ESRCH.
    case exitProcess(process: String)
    /// fork(2): `child` is a new process with a copy of the parent's VMAs and no locked or pinned
    /// memory; pid nil = next free.
    case forkProcess(parent: String, child: String, pid: HostPID?)
    /// mmap of a fixed range (anonymous, hugetlbfs or a VM_PFNMAP BAR).
    case mmap(process: String, vaddr: UInt64, length: UInt64, backing: VMABacking)
    /// A PCI function behind an IOMMU instance (`HostIOMMURef`) or an sPAPR group. A device behind
    /// an instance also becomes a machine device of the same name, so `dma` can use it.
    case addDevice(name: String, iommu: HostIOMMURef, sid: UInt32, ats: Bool, queueDepth: UInt16)
    /// An sPAPR IOMMU group (a PE) with its table-group properties.
    case addSPAPRGroup(SPAPRGroup)

    // MARK: VFIO containers
    /// VFIO_GROUP_SET_CONTAINER + VFIO_SET_IOMMU with a type1 backend for these devices.
    case vfioOpenType1(container: String, type: Type1IOMMUType, devices: [String], by: String?)
    /// VFIO_SET_IOMMU with a raw type number (1, 3, 6 open type1; others are the kernel's errno).
    case vfioOpenNumbered(container: String, typeNumber: UInt32, devices: [String], by: String?)
    /// VFIO_CHECK_EXTENSION on a container (nil: a fresh /dev/vfio/vfio with no backend set).
    case vfioCheckExtension(container: String?, ext: UInt32)
    /// VFIO_SET_IOMMU with an sPAPR TCE backend (groups attach with `spaprAttachGroup`).
    case vfioOpenSPAPR(container: String, version: SPAPRVersion)
    /// VFIO_GROUP_SET_CONTAINER of one more device's group into an open type1 container.
    case vfioAttach(container: String, device: String)
    /// `vfio_pin_pages` / `vfio_unpin_pages` by the vendor driver of mdev `device`.
    case vfioPinPages(container: String, device: String, iova: UInt64, npage: Int, write: Bool)
    case vfioUnpinPages(container: String, device: String, iova: UInt64, npage: Int)
    /// VFIO_IOMMU_MAP_DMA (type1 or sPAPR, by the container's backend).
    case vfioMap(container: String, request: VFIODMAMap, by: String?)
    /// VFIO_IOMMU_UNMAP_DMA.
    case vfioUnmap(container: String, request: VFIODMAUnmap, by: String?)
    /// VFIO_IOMMU_CACHE_INVALIDATE of the nesting series (type1 containers).
    case vfioCacheInvalidate(container: String, request: VFIOCacheInvalidateRequest, by: String?)
    /// Closing the container fd.
    case vfioClose(container: String)

    // MARK: sPAPR
    case spaprAttachGroup(container: String, group: Int)
    case spaprDetachGroup(container: String, group: Int)
    /// VFIO_IOMMU_ENABLE (v1).
    case spaprEnable(container: String, by: String?)
    /// VFIO_IOMMU_DISABLE (v1).
    case spaprDisable(container: String, by: String?)
    /// VFIO_IOMMU_SPAPR_TCE_GET_INFO.
    case spaprGetInfo(container: String, argsz: UInt32, by: String?)
    /// VFIO_IOMMU_SPAPR_REGISTER_MEMORY (v2).
    case spaprRegister(container: String, request: VFIOSPAPRRegisterMemory, by: String?)
    /// VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY (v2).
    case spaprUnregister(container: String, request: VFIOSPAPRRegisterMemory, by: String?)
    /// VFIO_IOMMU_SPAPR_TCE_CREATE (v2).
    case spaprCreateWindow(container: String, request: VFIOSPAPRTCECreate, by: String?)
    /// VFIO_IOMMU_SPAPR_TCE_REMOVE (v2).
    case spaprRemoveWindow(container: String, request: VFIOSPAPRTCERemove, by: String?)

    // MARK: iommufd
    /// open("/dev/iommu").
    case iommufdOpen(name: String)
    /// VFIO_DEVICE_BIND_IOMMUFD: the device object is named after the device.
    case iommufdBind(device: String, iommufd: String?)
    /// close() of the iommufd and of the device fds bound to it: every object destroyed in
    /// dependency order (`iommufd_fops_release`).
    case iommufdClose(iommufd: String)
    /// IOMMU_IOAS_ALLOC.
    case iommufdIOASAlloc(name: String, iommufd: String?)
    /// IOMMU_IOAS_MAP; `iova` nil lets the kernel pick (no IOMMU_IOAS_MAP_FIXED_IOVA).
    case iommufdIOASMap(ioas: String, vaddr: UInt64, length: UInt64, iova: UInt64?, read: Bool, write: Bool, by: String?)
    /// IOMMU_IOAS_UNMAP (iova 0 + length U64_MAX: everything).
    case iommufdIOASUnmap(ioas: String, iova: UInt64, length: UInt64)
    /// IOMMU_IOAS_COPY; `dstIOVA` nil lets the kernel pick.
    case iommufdIOASCopy(dst: String, src: String, srcIOVA: UInt64, dstIOVA: UInt64?, length: UInt64)
    /// IOMMU_OPTION RLIMIT_MODE: SET when `mode` is given (user or mm), else GET.
    case iommufdAccounting(mode: IOPTAccountMode?, iommufd: String?, by: String?)
    /// IOMMU_IOAS_IOVA_RANGES with a user buffer of `numIOVAs` ranges (nil: 64).
    case iommufdIOVARanges(ioas: String, numIOVAs: UInt32?)
    /// IOMMU_IOAS_ALLOW_IOVAS (an empty list clears the allowed list).
    case iommufdAllowIOVAs(ioas: String, ranges: [IOMMUIOVARange])
    /// IOMMU_GET_HW_INFO for a bound device with a user buffer of `dataLen` bytes (nil: 64);
    /// `inType` sets IOMMU_HW_INFO_FLAG_INPUT_TYPE with that type; `flags` overrides the flags.
    case iommufdGetHWInfo(device: String, dataLen: UInt32?, inType: UInt32?, flags: UInt32?)
    /// IOMMU_OPTION HUGE_PAGES on an IOAS.
    case iommufdHugePages(ioas: String, enabled: Bool)
    /// IOMMU_HWPT_ALLOC on an IOAS (paging, optionally NEST_PARENT), a nest parent (nested, with
    /// the vendor's data for `domain_alloc_nested`) or a vIOMMU (data for its `alloc_domain_nested`).
    case iommufdHWPTAlloc(name: String, device: String, pt: String, nestParent: Bool, data: HWPTAllocData?, dirtyTracking: Bool = false)
    /// IOMMU_HWPT_SET_DIRTY_TRACKING (`flags` overrides the ENABLE flag the word gives).
    case iommufdSetDirtyTracking(hwpt: String, enable: Bool, flags: UInt32?)
    /// IOMMU_HWPT_GET_DIRTY_BITMAP over [iova, iova + length) in `pageSize` pages.
    case iommufdGetDirtyBitmap(hwpt: String, iova: UInt64, length: UInt64, pageSize: UInt64, noClear: Bool, flags: UInt32?)
    /// IOMMU_VIOMMU_ALLOC (a vendor with `viommu_init`: SMMUv3).
    case iommufdVIOMMUAlloc(name: String, device: String, hwpt: String)
    /// IOMMU_VDEVICE_ALLOC.
    case iommufdVDeviceAlloc(name: String, viommu: String, device: String, virtID: UInt64)
    /// VFIO_DEVICE_ATTACH_IOMMUFD_PT (`replace` when the device is already attached).
    case iommufdAttach(device: String, pt: String, replace: Bool)
    /// VFIO_DEVICE_DETACH_IOMMUFD_PT.
    case iommufdDetach(device: String)
    /// IOMMU_DESTROY.
    case iommufdDestroy(object: String)
    /// Any modelled iommufd ioctl with its argument struct laid out byte by byte (`size`, members,
    /// trailing bytes), framed as `iommufd_fops_ioctl` frames it.
    case iommufdRaw(call: IOMMUFDRawCall, iommufd: String?, by: String?)
    /// IOMMU_VFIO_IOAS: get (nil op word), set `ioas`, or clear the compat IOAS.
    case iommufdVFIOIOAS(op: UInt16, ioas: String?, iommufd: String?)
    /// The VFIO container ioctls on /dev/iommu (vfio_compat.c).
    case iommufdCompat(iommufd: String?, request: IOMMUFDCompatRequest, by: String?)
    /// IOMMU_HWPT_INVALIDATE on a nested HWPT or a vIOMMU, with the vendor's entries.
    case iommufdInvalidate(target: String, request: HWPTInvalidateSpec)
}

/// Where a nested HWPT's guest stage-1 root is: a GPA, or the root of a named space (which must live
/// in guest memory behind the parent's table).
public enum GuestTableRoot: Sendable, Equatable {
    case address(UInt64)
    case space(String)
}

/// An IOMMU_HWPT_INVALIDATE call: the entries, laid out in user memory with a stride of
/// `entry_len`, and the header members (nil = what a correct caller passes).
public struct HWPTInvalidateSpec: Sendable, Equatable {
    /// The user array as the uAPI has it: the data type, each entry's natural size and bytes (the
    /// typed builders live in the vendor folders: `.vtd([...])`, `.smmu([...])`).
    public struct Entries: Sendable, Equatable {
        /// IOMMU_HWPT_INVALIDATE_DATA_* of the entries.
        public var dataType: UInt32
        /// sizeof the vendor's entry struct.
        public var entryLength: Int
        /// Each entry's bytes, `entryLength` long.
        public var entries: [[UInt8]]
        public init(dataType: UInt32, entryLength: Int, entries: [[UInt8]]) {
            self.dataType = dataType
            self.entryLength = entryLength
            self.entries = entries
        }
    }
    public var entries: Entries
    public var dataType: UInt32?
    public var entryLen: UInt32?
    public var entryNum: UInt32?
    public var dataUptr: UInt64?
    public var reserved: UInt32

    public init(entries: Entries, dataType: UInt32? = nil, entryLen: UInt32? = nil, entryNum: UInt32? = nil,
                dataUptr: UInt64? = nil, reserved: UInt32 = 0) {
        self.entries = entries
        self.dataType = dataType
        self.entryLen = entryLen
        self.entryNum = entryNum
        self.dataUptr = dataUptr
        self.reserved = reserved
    }

    /// The natural size of one entry.
    var naturalLength: Int { entries.entryLength }

    /// The request as the kernel sees it: each entry's bytes cut or zero-padded to `entry_len`.
    func request(target: UInt32) -> IOMMUHWPTInvalidateRequest {
        let raw = entries.entries
        let type = entries.dataType
        let len = Int(entryLen ?? UInt32(naturalLength))
        var data: [UInt8] = []
        for e in raw { data += len <= e.count ? Array(e.prefix(len)) : e + [UInt8](repeating: 0, count: len - e.count) }
        return IOMMUHWPTInvalidateRequest(hwptID: target, dataUptr: dataUptr ?? 0x7f00_0000_0000, dataType: dataType ?? type,
                                          entryLen: UInt32(len), entryNum: entryNum ?? UInt32(raw.count), reserved: reserved, data: data)
    }
}

/// A VFIO container ioctl sent to an iommufd (`iommufd_vfio_ioctl`).
public enum IOMMUFDCompatRequest: Sendable, Equatable {
    case checkExtension(UInt32)
    case setIOMMU(UInt32)
    case map(VFIODMAMap)
    case unmap(VFIODMAUnmap)
}
