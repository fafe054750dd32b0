/// `smmuv3-atc-vsid`: guest commands through an iommufd vIOMMU, virtual StreamIDs, ATC_INV per device.
enum SMMUv3ATCvSID {
    static let scenario = BundledScenario(name: "smmuv3-atc-vsid", summary: "SMMUv3 nesting through an iommufd vIOMMU: vSID→SID, ATC_INV to the named device only", text: #"""
# A guest drives an emulated SMMUv3 whose commands the VMM forwards through an iommufd vIOMMU
# (IOMMU_HWPT_INVALIDATE with raw commands). The guest's commands carry virtual StreamIDs; the kernel
# translates each through the vDEVICEs the VMM created, refuses unknown ones with -EIO, forces the
# VMID, and sends ATC_INV only to the device the guest named, never to every device (the review in
# seeds/004). The guest here forgets the second device's ATC at first, and `check` catches it.
smmu oas=48 sid-bits=16 ats=on
host-device nic0 sid=0x100 ats smmu=0
host-device nic1 sid=0x200 ats smmu=0
process qemu memlock=64M
mmap qemu 0x7f00_0000_0000 16M

step "iommufd: devices, an IOAS and a nest-parent HWPT"
note Both NICs are bound to iommufd. Guest RAM (16 MiB at IOVA 0, so GPA = IOVA) fills a nest-parent
note HWPT: an SMMUv3 stage-2 table (domain1) with VMID 1, in 4 KiB pages.
iommufd open ictx
iommufd bind nic0
iommufd bind nic1
iommufd ioas-alloc ioas
iommufd option ioas huge-pages=off
iommufd ioas-map ioas vaddr=0x7f00_0000_0000 size=16M iova=0
iommufd hwpt-alloc parent dev=nic0 pt=ioas nest-parent
expect errno=0

step "A vIOMMU and two vDEVICEs: the vSID table"
note IOMMU_VIOMMU_ALLOC makes the vIOMMU over the parent; each IOMMU_VDEVICE_ALLOC says which
note virtual StreamID (virt_id) the guest uses for a device: vSID 1 is nic0 (SID 0x100), vSID 2 is
note nic1 (SID 0x200). These are the only vSIDs the kernel will accept in guest commands.
iommufd viommu-alloc viommu dev=nic0 hwpt=parent
iommufd vdevice-alloc vd0 viommu=viommu dev=nic0 virt-id=1
iommufd vdevice-alloc vd1 viommu=viommu dev=nic1 virt-id=2

step "The guest's stage 1 and its STEs"
note The guest builds one Arm stage-1 table in its memory and gives each device a vSTE: Config=S1,
note S1ContextPtr = the IPA of its CD table (0x30_0000, 0x31_0000), EATS=1. The kernel turns each
note into a nested STE (Config=7) over domain1; the guest then writes a CD with ASID 1 and ASID 2.
space s1 arm-s1 granule=4K ia=48 in domain1
map s1 0x4000_0000 -> 0x20_0000 16K rwu
iommufd hwpt-alloc nested0 dev=nic0 pt=viommu data=arm_smmuv3 ste0=0x30000b ste1=0x10000000
iommufd hwpt-alloc nested1 dev=nic1 pt=viommu data=arm_smmuv3 ste0=0x31000b ste1=0x10000000
iommufd attach nic0 pt=nested0
iommufd attach nic1 pt=nested1
cd nic0 asid=1 s1=s1
cd nic1 asid=2 s1=s1

step "Both devices DMA and cache the translation in their ATCs"
note The first walk is cold: 24 table reads (the STE and the CD's stage-2 walk are configuration reads).
note Each device's ATS translation fills the SMMU TLB and the device's own ATC.
dma read nic0 0x4000_0000
expect walk-reads=24
dma read nic1 0x4000_0000
dma read nic0 0x4000_0000
expect hit atc

step "The guest unmaps the page"
note Two TLB entries (ASID 1 and ASID 2, VMID 1) and two ATC entries now disagree with memory.
unmap s1 0x4000_0000 4K
expect stale=4

step "Guest commands: TLBI for both ASIDs, ATC_INV for vSID 1 only"
note The kernel forces VMID 1 into the TLBIs and rewrites ATC_INV's vSID 1 to SID 0x100. It sends the
note ATC_INV to nic0 alone: nic1's ATC is untouched because the guest did not name it.
iommufd invalidate viommu cmds: 0x0001000000000012 0x0000000040000001 ; 0x0002000000000012 0x0000000040000001 ; 0x0000000100000040 0x0000000040000000
expect errno=0
expect entry-num=3
expect stale=1

step "nic1 still reaches the page through its ATC"
note The stale ATC entry answers nic1's DMA: memory says the page is gone. This is what `check` reports.
dma read nic1 0x4000_0000

step "An unknown vSID is refused"
note vSID 7 has no vDEVICE: arm_vsmmu_convert_user_cmd fails the first entry with -EIO and entry_num
note is 0. Nothing of the array was issued, so the good second entry must be sent again.
iommufd invalidate viommu cmds: 0x0000000700000040 0x0000000040000000 ; 0x0000000200000040 0x0000000040000000
expect errno=EIO
expect entry-num=0

step "ATC_INV for vSID 2 clears nic1"
iommufd invalidate viommu cmds: 0x0000000200000040 0x0000000040000000
expect stale=0
dma read nic1 0x4000_0000
expect fault 0x10

step "TLBI_NSNH_ALL from the guest"
note A guest that believes its SMMU is stage-1 only may send NSNH_ALL; the kernel turns it into
note TLBI_NH_ALL with the vIOMMU's VMID, so every stage-1 entry of this guest goes.
dma read nic0 0x4000_1000
iommufd invalidate viommu cmds: 0x0000000000000030 0x0000000000000000
expect entries tlb=0
"""#, demonstratesBug: true)
}
