# gdb script for `make debug`: loads the kernel's symbols and attaches to the
# QEMU started with -s -S (gdb stub on localhost:1234, CPUs held at reset).
set pagination off
set confirm off
file build/cairn.elf
target remote localhost:1234
break kmain
echo Cairn: attached; `continue` boots to kmain.\n
