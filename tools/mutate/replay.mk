# Re-run the command kbuild recorded for one target, without kbuild's walk
# of the whole tree (tools/mutate/build-kernel.sh's fast rebuild):
#
#   make -f replay.mk -C OBJTREE CMD=DIR/.NAME.cmd TARGET=DIR/NAME replay
#
# kbuild keeps, next to every target it builds, a .cmd file that sets
# savedcmd_TARGET to the exact command it ran, in make's own quoting.
include $(CMD)

ifeq ($(savedcmd_$(TARGET)),)
$(error $(CMD) records no command for $(TARGET))
endif

.PHONY: replay
replay:
	$(savedcmd_$(TARGET))
