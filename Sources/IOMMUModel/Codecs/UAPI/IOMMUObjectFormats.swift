/// iommufd `IOMMU_OPTION`, `IOMMU_VIOMMU_ALLOC` and `IOMMU_VDEVICE_ALLOC` argument structs
/// (spapr_tce_and_uapi.md §8b, §8d; include/uapi/linux/iommufd.h).
public enum IOMMUOptionFormat {
    public static let size = UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_option)")
    public static let optionID = UAPIBytes.field("option_id", at: 4, 4, .choice([0: "IOMMU_OPTION_RLIMIT_MODE", 1: "IOMMU_OPTION_HUGE_PAGES"]), "which option")
    public static let op = UAPIBytes.field("op", at: 8, 2, .choice([0: "IOMMU_OPTION_OP_SET", 1: "IOMMU_OPTION_OP_GET"]), "set or get")
    public static let objectID = UAPIBytes.field("object_id", at: 12, 4, .number, "0 for global options (RLIMIT_MODE), an IOAS for HUGE_PAGES")
    public static let val64 = UAPIBytes.field("val64", at: 16, 8, .number, "value (RLIMIT_MODE: 0 per user, 1 per mm)")

    public static let layout = StructureLayout(
        kind: "iommu-option", title: "struct iommu_option (IOMMU_OPTION, 24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/ioas.c iommufd_option_rlimit_mode",
        fields: [size, optionID, op, objectID, val64])
}

public enum IOMMUVIOMMUAllocFormat {
    public static let typeNames: [UInt64: String] = [0: "IOMMU_VIOMMU_TYPE_DEFAULT", 1: "IOMMU_VIOMMU_TYPE_ARM_SMMUV3", 2: "IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV"]

    public static let size = UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_viommu_alloc)")
    public static let flags = UAPIBytes.field("flags", at: 4, 4, .hex, "must be 0 (else -EOPNOTSUPP)")
    public static let type = UAPIBytes.field("type", at: 8, 4, .choice(typeNames), "vIOMMU type (DEFAULT is refused)")
    public static let devID = UAPIBytes.field("dev_id", at: 12, 4, .number, "a device behind the physical IOMMU")
    public static let hwptID = UAPIBytes.field("hwpt_id", at: 16, 4, .number, "nesting-parent paging HWPT")
    public static let outVIOMMUID = UAPIBytes.field("out_viommu_id", at: 20, 4, .number, "out: the vIOMMU's object id")
    public static let dataLen = UAPIBytes.field("data_len", at: 24, 4, .number, "bytes of driver data")
    public static let dataUptr = UAPIBytes.field("data_uptr", at: 32, 8, .hex, "user pointer to driver data")

    public static let layout = StructureLayout(
        kind: "iommu-viommu-alloc", title: "struct iommu_viommu_alloc (IOMMU_VIOMMU_ALLOC, 40 bytes)", words: 5,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/viommu.c iommufd_viommu_alloc_ioctl",
        fields: [size, flags, type, devID, hwptID, outVIOMMUID, dataLen, dataUptr])
}

public enum IOMMUVDeviceAllocFormat {
    public static let size = UAPIBytes.field("size", at: 0, 4, .number, "sizeof(struct iommu_vdevice_alloc)")
    public static let viommuID = UAPIBytes.field("viommu_id", at: 4, 4, .number, "vIOMMU the device is presented through")
    public static let devID = UAPIBytes.field("dev_id", at: 8, 4, .number, "physical device")
    public static let outVDeviceID = UAPIBytes.field("out_vdevice_id", at: 12, 4, .number, "out: the vDEVICE's object id")
    public static let virtID = UAPIBytes.field("virt_id", at: 16, 8, .hex, "the guest's id for the device (SMMUv3: the vSID)")

    public static let layout = StructureLayout(
        kind: "iommu-vdevice-alloc", title: "struct iommu_vdevice_alloc (IOMMU_VDEVICE_ALLOC, 24 bytes)", words: 3,
        source: "include/uapi/linux/iommufd.h; drivers/iommu/iommufd/viommu.c iommufd_vdevice_alloc_ioctl",
        fields: [size, viommuID, devID, outVDeviceID, virtID])
}
