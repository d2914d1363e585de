# Compiler flags shared by every target (STYLE.md §11).
add_compile_definitions(_GNU_SOURCE)
add_compile_options(
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
	-Wimplicit-fallthrough -Wcast-qual -Wundef -Wswitch-default -Wno-format-nonliteral
	-fstack-protector-strong)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
	add_compile_options(-fstack-clash-protection)
endif()
if(BOS_WERROR)
	add_compile_options(-Werror)
endif()
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(CMAKE_BUILD_TYPE STREQUAL "Release")
	add_compile_definitions(_FORTIFY_SOURCE=3)
	add_link_options(-pie -Wl,-z,relro,-z,now)
endif()
if(BOS_FUZZ)
	# Coverage instrumentation for every library, so libFuzzer is guided through the
	# parsers themselves; the harness executables add -fsanitize=fuzzer at link.
	add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(BOS_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
			    -fno-omit-frame-pointer)
	add_link_options(-fsanitize=address,undefined)
endif()

# Modules that parse packet bytes also get -Wconversion (STYLE.md §11).
function(bos_strict_conversions target)
	target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
endfunction()
