/// VT-d fault reasons (VT-d spec 7.2.3; the strings Linux prints from drivers/iommu/intel/dmar.c
/// `dma_remap_sm_fault_reasons` / `dma_remap_fault_reasons`, e.g. "[fault reason 0x71] SM: Present bit
/// in first-level paging entry is clear").
public enum VTdFaultReason: UInt8, Sendable, CaseIterable {
    // Legacy mode.
    case rootNotPresent = 0x1, contextNotPresent = 0x2, contextInvalid = 0x3, addressBeyondMGAW = 0x4
    case writeDenied = 0x5, readDenied = 0x6, nextPointerInvalid = 0x7
    case rootTableAccess = 0x8, contextTableAccess = 0x9
    case rootReserved = 0xa, contextReserved = 0xb, pagingEntryReserved = 0xc, translationTypeBlocks = 0xd
    case interruptRange = 0xe
    // Scalable mode.
    case smRootTableAddressInvalid = 0x30, smTTMZeroWithPASID = 0x31
    case smRootAccess = 0x38, smRootNotPresent = 0x39, smRootReserved = 0x3a
    case smContextAccess = 0x40, smContextNotPresent = 0x41, smContextReserved = 0x42, smContextInvalid = 0x43
    case smContextDTEClear = 0x44, smContextPASIDEClear = 0x45, smPASIDBeyondDirectory = 0x46
    case smContextPREClear = 0x47, smContextRIDPASIDError = 0x48
    case smPASIDDirAccess = 0x50, smPASIDDirNotPresent = 0x51, smPASIDDirReserved = 0x52
    case smPASIDEntryAccess = 0x58, smPASIDEntryNotPresent = 0x59, smPASIDEntryReserved = 0x5a
    case smPASIDEntryInvalid = 0x5b, smPASIDEntryEREClear = 0x5c, smPASIDEntrySREClear = 0x5d
    case smFSEntryAccess = 0x70, smFSEntryNotPresent = 0x71, smFSEntryReserved = 0x72, smFSPML4Access = 0x73
    case smNestedFSAddressBeyondMGAW = 0x74, smNestedFSPML4ReadDenied = 0x75
    case smNestedFSEntryReadDenied = 0x76, smNestedFSEntryWriteDenied = 0x77
    case smSSEntryAccess = 0x78, smSSPermission = 0x79, smSSEntryReserved = 0x7a, smSSPointerInvalid = 0x7b
    case smSSADNoSnoop = 0x7c
    case smNonCanonical = 0x80, smUserDenied = 0x81, smExecuteDenied = 0x82, smAddressBeyondMax = 0x83
    case smSSAddressBeyondMax = 0x84, smWriteDenied = 0x85, smReadDenied = 0x86, smInterruptRange = 0x87
    case smFSADNoSnoop = 0x90

    /// The text Linux prints for the reason.
    public var text: String {
        switch self {
        case .rootNotPresent: return "Present bit in root entry is clear"
        case .contextNotPresent: return "Present bit in context entry is clear"
        case .contextInvalid: return "Invalid context entry"
        case .addressBeyondMGAW: return "Access beyond MGAW"
        case .writeDenied: return "PTE Write access is not set"
        case .readDenied: return "PTE Read access is not set"
        case .nextPointerInvalid: return "Next page table ptr is invalid"
        case .rootTableAccess: return "Root table address invalid"
        case .contextTableAccess: return "Context table ptr is invalid"
        case .rootReserved: return "non-zero reserved fields in RTP"
        case .contextReserved: return "non-zero reserved fields in CTP"
        case .pagingEntryReserved: return "non-zero reserved fields in PTE"
        case .translationTypeBlocks: return "PCE for translation request specifies blocking"
        // dmar.c's legacy table ends at 0xd (Linux prints "Unknown"); the wording is QEMU's VTD_FR_INTERRUPT_ADDR (LGN.4).
        case .interruptRange: return "Output address in the interrupt address range"
        case .smRootTableAddressInvalid: return "SM: Invalid Root Table Address"
        case .smTTMZeroWithPASID: return "SM: TTM 0 for request with PASID"
        case .smRootAccess: return "SM: Error attempting to access Root Entry"
        case .smRootNotPresent: return "SM: Present bit in Root Entry is clear"
        case .smRootReserved: return "SM: Non-zero reserved field set in Root Entry"
        case .smContextAccess: return "SM: Error attempting to access Context Entry"
        case .smContextNotPresent: return "SM: Present bit in Context Entry is clear"
        case .smContextReserved: return "SM: Non-zero reserved field set in the Context Entry"
        case .smContextInvalid: return "SM: Invalid Context Entry"
        case .smContextDTEClear: return "SM: DTE field in Context Entry is clear"
        case .smContextPASIDEClear: return "SM: PASID Enable field in Context Entry is clear"
        case .smPASIDBeyondDirectory: return "SM: PASID is larger than the max in Context Entry"
        case .smContextPREClear: return "SM: PRE field in Context-Entry is clear"
        case .smContextRIDPASIDError: return "SM: RID_PASID field error in Context-Entry"
        case .smPASIDDirAccess: return "SM: Error attempting to access the PASID Directory Entry"
        case .smPASIDDirNotPresent: return "SM: Present bit in Directory Entry is clear"
        case .smPASIDDirReserved: return "SM: Non-zero reserved field set in PASID Directory Entry"
        case .smPASIDEntryAccess: return "SM: Error attempting to access PASID Table Entry"
        case .smPASIDEntryNotPresent: return "SM: Present bit in PASID Table Entry is clear"
        case .smPASIDEntryReserved: return "SM: Non-zero reserved field set in PASID Table Entry"
        case .smPASIDEntryInvalid: return "SM: Invalid Scalable-Mode PASID Table Entry"
        case .smPASIDEntryEREClear: return "SM: ERE field is clear in PASID Table Entry"
        case .smPASIDEntrySREClear: return "SM: SRE field is clear in PASID Table Entry"
        case .smFSEntryAccess: return "SM: Error attempting to access first-level paging entry"
        case .smFSEntryNotPresent: return "SM: Present bit in first-level paging entry is clear"
        case .smFSEntryReserved: return "SM: Non-zero reserved field set in first-level paging entry"
        case .smFSPML4Access: return "SM: Error attempting to access FL-PML4 entry"
        case .smNestedFSAddressBeyondMGAW: return "SM: First-level entry address beyond MGAW in Nested translation"
        case .smNestedFSPML4ReadDenied: return "SM: Read permission error in FL-PML4 entry in Nested translation"
        case .smNestedFSEntryReadDenied: return "SM: Read permission error in first-level paging entry in Nested translation"
        case .smNestedFSEntryWriteDenied: return "SM: Write permission error in first-level paging entry in Nested translation"
        case .smSSEntryAccess: return "SM: Error attempting to access second-level paging entry"
        case .smSSPermission: return "SM: Read/Write permission error in second-level paging entry"
        case .smSSEntryReserved: return "SM: Non-zero reserved field set in second-level paging entry"
        case .smSSPointerInvalid: return "SM: Invalid second-level page table pointer"
        case .smSSADNoSnoop: return "SM: A/D bit update needed in second-level entry when set up in no snoop"
        case .smNonCanonical: return "SM: Address in first-level translation is not canonical"
        case .smUserDenied: return "SM: U/S set 0 for first-level translation with user privilege"
        case .smExecuteDenied: return "SM: No execute permission for request with PASID and ER=1"
        case .smAddressBeyondMax: return "SM: Address beyond the DMA hardware max"
        case .smSSAddressBeyondMax: return "SM: Second-level entry address beyond the max"
        case .smWriteDenied: return "SM: No write permission for Write/AtomicOp request"
        case .smReadDenied: return "SM: No read permission for Read/AtomicOp request"
        case .smInterruptRange: return "SM: Invalid address-interrupt address"
        case .smFSADNoSnoop: return "SM: A/D bit update needed in first-level entry when set up in no snoop"
        }
    }

    /// `[fault reason 0x71] SM: Present bit in first-level paging entry is clear`, as dmar.c prints it.
    public var logText: String { "[fault reason 0x\(String(rawValue, radix: 16, uppercase: false).leftPadded(to: 2, with: "0"))] \(text)" }
}
