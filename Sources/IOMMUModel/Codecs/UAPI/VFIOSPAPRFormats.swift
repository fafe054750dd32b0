/// The sPAPR VFIO ioctl argument structs (spapr_tce_and_uapi.md §3a, §3b, §5; include/uapi/linux/vfio.h).
public enum VFIOSPAPRRegisterMemoryFormat {
    public static let argsz = UAPIBytes.field("argsz", at: 0, 4, .number, "must be >= 24 (offsetofend(size))")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0 (else -EINVAL)")
    public static let vaddr = UAPIBytes.field("vaddr", at: 8, 8, .hex, "process virtual address, PAGE_SIZE aligned")
    public static let size = UAPIBytes.field("size", at: 16, 8, .hex, "bytes, PAGE_SIZE aligned")

    public static let layout = StructureLayout(
        kind: "vfio-spapr-register-memory",
        title: "struct vfio_iommu_spapr_register_memory (VFIO_IOMMU_SPAPR_(UN)REGISTER_MEMORY, 24 bytes)", words: 3,
        source: "include/uapi/linux/vfio.h; drivers/vfio/vfio_iommu_spapr_tce.c tce_iommu_register_pages",
        fields: [argsz, flags, vaddr, size])
}

public enum VFIOSPAPRTCECreateFormat {
    public static let argsz = UAPIBytes.field("argsz", at: 0, 4, .number, "must be >= 40 (offsetofend(start_addr))")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0 (else -EINVAL)")
    public static let pageShift = UAPIBytes.field("page_shift", at: 8, 4, .number, "IOMMU page shift (in the group's pgsizes)")
    public static let windowSize = UAPIBytes.field("window_size", at: 16, 8, .hex, "window size in bytes, a power of two")
    public static let levels = UAPIBytes.field("levels", at: 24, 4, .number, "TCE table levels, 1..5")
    public static let startAddr = UAPIBytes.field("start_addr", at: 32, 8, .hex, "out: bus address the platform chose")

    public static let layout = StructureLayout(
        kind: "vfio-spapr-tce-create", title: "struct vfio_iommu_spapr_tce_create (VFIO_IOMMU_SPAPR_TCE_CREATE, 40 bytes)", words: 5,
        source: "include/uapi/linux/vfio.h; vfio_iommu_spapr_tce.c tce_iommu_create_window",
        fields: [argsz, flags, pageShift, windowSize, levels, startAddr])
}

public enum VFIOSPAPRTCERemoveFormat {
    public static let argsz = UAPIBytes.field("argsz", at: 0, 4, .number, "must be >= 16 (offsetofend(start_addr))")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0 (else -EINVAL)")
    public static let startAddr = UAPIBytes.field("start_addr", at: 8, 8, .hex, "any bus address inside the window to remove")

    public static let layout = StructureLayout(
        kind: "vfio-spapr-tce-remove", title: "struct vfio_iommu_spapr_tce_remove (VFIO_IOMMU_SPAPR_TCE_REMOVE, 16 bytes)", words: 2,
        source: "include/uapi/linux/vfio.h; vfio_iommu_spapr_tce.c tce_iommu_remove_window",
        fields: [argsz, flags, startAddr])
}
