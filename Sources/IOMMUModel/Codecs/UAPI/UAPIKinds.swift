/// The UAPI KINDs (user-API argument structs, little-endian), in the order `decode --list` prints them.
public enum UAPIKinds {
    public static let all: [StructureKind] = [
        .single(IOMMUHWPTAllocFormat.layout),
        .single(IOMMUHWPTVTdS1Format.layout),
        .single(IOMMUHWPTVTdS1InvalidateFormat.layout),
        .single(IOMMUHWPTArmSMMUv3Format.layout),
        .single(IOMMUHWPTArmSMMUv3InvalidateFormat.layout),
        .single(IOMMUHWPTInvalidateFormat.layout),
        VFIOCacheInvalidateFormat.kind,
        .single(VFIOTLBInvalidateGenericFormat.layout),
        .single(VFIOSPAPRRegisterMemoryFormat.layout),
        .single(VFIOSPAPRTCECreateFormat.layout),
        .single(VFIOSPAPRTCERemoveFormat.layout),
        .single(IOMMUOptionFormat.layout),
        .single(IOMMUVIOMMUAllocFormat.layout),
        .single(IOMMUVDeviceAllocFormat.layout),
    ]
}
