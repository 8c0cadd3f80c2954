# The conformance suite: each scenario through Linux in network namespaces
# and through nfu, compared (see run.sh).  One CTest test per scenario,
# labelled 'conformance'; skipped (77) when neither the kernel side nor a
# golden file is available.

set(NFU_CONF_DIR ${CMAKE_CURRENT_SOURCE_DIR})

add_library(nfu_conform_common STATIC
  ${NFU_CONF_DIR}/pktdesc.c
  ${NFU_CONF_DIR}/scenario.c
  ${NFU_CONF_DIR}/pcapfile.c
  ${NFU_CONF_DIR}/result.c)
target_include_directories(nfu_conform_common PUBLIC ${NFU_CONF_DIR})

add_executable(conform_tool ${NFU_CONF_DIR}/conform_tool.c)
target_link_libraries(conform_tool nfu_conform_common)

add_executable(nfu_conform ${NFU_CONF_DIR}/nfu_conform.c)
target_include_directories(nfu_conform PRIVATE ${CMAKE_SOURCE_DIR}/lib)
target_link_libraries(nfu_conform nfu_conform_common nfu)

add_executable(conform_gen ${NFU_CONF_DIR}/gen.c)

# The queue handler of scenarios with a `queue' file: one source on
# libnfu-queue (nfu's side) and on libnetfilter_queue (the kernel's).
if(TARGET nfu-queue-static)
  add_executable(qhandler_nfu ${NFU_CONF_DIR}/qhandler.c)
  target_compile_definitions(qhandler_nfu PRIVATE NFU_QUEUE)
  target_link_libraries(qhandler_nfu nfu-queue-static)
endif()
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(NFQ QUIET libnetfilter_queue)
endif()
if(NFQ_FOUND)
  add_executable(qhandler_nfq ${NFU_CONF_DIR}/qhandler.c)
  target_include_directories(qhandler_nfq PRIVATE ${NFQ_INCLUDE_DIRS})
  target_link_libraries(qhandler_nfq ${NFQ_LIBRARIES})
endif()

add_executable(test_pktdesc ${NFU_CONF_DIR}/test_pktdesc.c)
target_include_directories(test_pktdesc PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_pktdesc nfu_conform_common)
add_test(NAME conformance/pktdesc COMMAND test_pktdesc
  WORKING_DIRECTORY ${NFU_CONF_DIR})
set_tests_properties(conformance/pktdesc PROPERTIES LABELS conformance
  TIMEOUT 60 SKIP_RETURN_CODE 77)

file(GLOB NFU_CONF_SCENARIOS LIST_DIRECTORIES true CONFIGURE_DEPENDS
  ${NFU_CONF_DIR}/scenarios/*)
foreach(dir ${NFU_CONF_SCENARIOS})
  if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/packets)
    get_filename_component(name ${dir} NAME)
    add_test(NAME conformance/${name}
      COMMAND sh ${NFU_CONF_DIR}/run.sh --tool $<TARGET_FILE:conform_tool>
        --nfu $<TARGET_FILE:nfu_conform> --replay $<TARGET_FILE:nfu-cli> ${dir})
    set_tests_properties(conformance/${name} PROPERTIES LABELS conformance
      TIMEOUT 60 SKIP_RETURN_CODE 77)
  endif()
endforeach()

# Random scenarios (gen.c, run.sh --gen): seeds 1 to NFU_CONF_RANDOM_SEEDS,
# NFU_CONF_RANDOM_BATCH to a test (a test per scenario would mostly print
# names), each generated at test time into random/ of the build directory;
# then the random scenarios kept as files in random/kept, one test each,
# as the hand-written ones.
set(NFU_CONF_RANDOM_SEEDS 200 CACHE STRING
  "Random conformance scenarios (seeds 1..N) in the default test run")
set(NFU_CONF_RANDOM_BATCH 10)
foreach(first RANGE 1 ${NFU_CONF_RANDOM_SEEDS} ${NFU_CONF_RANDOM_BATCH})
  math(EXPR last "${first} + ${NFU_CONF_RANDOM_BATCH} - 1")
  if(last GREATER NFU_CONF_RANDOM_SEEDS)
    set(last ${NFU_CONF_RANDOM_SEEDS})
  endif()
  add_test(NAME conformance/random-${first}-${last}
    COMMAND sh ${NFU_CONF_DIR}/run.sh --tool $<TARGET_FILE:conform_tool>
      --nfu $<TARGET_FILE:nfu_conform> --replay $<TARGET_FILE:nfu-cli> --gen $<TARGET_FILE:conform_gen>
      --gen-dir ${CMAKE_CURRENT_BINARY_DIR}/random ${first}-${last})
  # 'random' too: the sanitizer build leaves them out (make check-asan),
  # they would double make check's time for what the normal build shows
  set_tests_properties(conformance/random-${first}-${last} PROPERTIES
    LABELS "conformance;random" TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
# The generator's NAT mode (conform_gen --nat, run.sh --nat): seeds 1 to
# NFU_CONF_RANDOM_NAT_SEEDS, golden files in random/expected-nat.
set(NFU_CONF_RANDOM_NAT_SEEDS 40 CACHE STRING
  "Random NAT conformance scenarios (seeds 1..N) in the default test run")
foreach(first RANGE 1 ${NFU_CONF_RANDOM_NAT_SEEDS} ${NFU_CONF_RANDOM_BATCH})
  math(EXPR last "${first} + ${NFU_CONF_RANDOM_BATCH} - 1")
  if(last GREATER NFU_CONF_RANDOM_NAT_SEEDS)
    set(last ${NFU_CONF_RANDOM_NAT_SEEDS})
  endif()
  add_test(NAME conformance/random-nat-${first}-${last}
    COMMAND sh ${NFU_CONF_DIR}/run.sh --tool $<TARGET_FILE:conform_tool>
      --nfu $<TARGET_FILE:nfu_conform> --replay $<TARGET_FILE:nfu-cli> --gen $<TARGET_FILE:conform_gen>
      --nat --gen-dir ${CMAKE_CURRENT_BINARY_DIR}/random-nat ${first}-${last})
  set_tests_properties(conformance/random-nat-${first}-${last} PROPERTIES
    LABELS "conformance;random" TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
file(GLOB NFU_CONF_KEPT LIST_DIRECTORIES true CONFIGURE_DEPENDS
  ${NFU_CONF_DIR}/random/kept/*)
foreach(dir ${NFU_CONF_KEPT})
  if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/packets)
    get_filename_component(name ${dir} NAME)
    add_test(NAME conformance/kept-${name}
      COMMAND sh ${NFU_CONF_DIR}/run.sh --tool $<TARGET_FILE:conform_tool>
        --nfu $<TARGET_FILE:nfu_conform> --replay $<TARGET_FILE:nfu-cli> ${dir})
    set_tests_properties(conformance/kept-${name} PROPERTIES
      LABELS conformance TIMEOUT 60 SKIP_RETURN_CODE 77)
  endif()
endforeach()
