# Included from tests/CMakeLists.txt: every fuzz/fuzz_<target>.c is also built as a plain
# replay binary (standalone_main.c) and CTest replays fuzz/corpus/<target> and
# fuzz/regress/<target> through it under the dev preset's ASan+UBSan (label: fuzz).
file(GLOB fuzz_srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src IN LISTS fuzz_srcs)
	get_filename_component(name ${src} NAME_WE)
	string(REGEX REPLACE "^fuzz_" "" target ${name})
	add_executable(replay_${target} ${src} ${PROJECT_SOURCE_DIR}/fuzz/standalone_main.c)
	target_link_libraries(replay_${target} PRIVATE bos_cli)
	set(dirs "")
	foreach(d corpus regress)
		if(EXISTS ${PROJECT_SOURCE_DIR}/fuzz/${d}/${target})
			list(APPEND dirs ${PROJECT_SOURCE_DIR}/fuzz/${d}/${target})
		endif()
	endforeach()
	add_test(NAME fuzz/replay_${target} COMMAND replay_${target} ${dirs})
	set_tests_properties(fuzz/replay_${target} PROPERTIES LABELS fuzz TIMEOUT 600
		ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
endforeach()
