# The guard that keeps a test folder or a test source from being left out of the build without anyone noticing.
#
# vigil_check_test_tree(ROOT dir FOLDERS built... HELPERS helpers... REGISTERED sources...) stops with an error
# that names the folder or file when ROOT holds a folder that is neither built nor a helper folder, or a tst_*.cpp or
# fuzz_*.cpp that no vigil_add_test()/vigil_add_fuzzer() registered. tests/CMakeLists.txt calls it; tst_testtree runs
# it in script mode (cmake -D ROOT=... -D FOLDERS=... -D HELPERS=... -D REGISTERED=... -P testtree.cmake).
if(CMAKE_SCRIPT_MODE_FILE)
    cmake_minimum_required(VERSION 3.21) # the policies a project has (IN_LIST), which script mode starts without
endif()

function(vigil_check_test_tree)
    cmake_parse_arguments(ARG "" "ROOT" "FOLDERS;HELPERS;REGISTERED" ${ARGN})
    # In a build, a new folder or test source re-runs the configure step, and with it this check.
    set(rescan "")
    if(NOT CMAKE_SCRIPT_MODE_FILE)
        set(rescan CONFIGURE_DEPENDS)
    endif()
    file(GLOB entries LIST_DIRECTORIES true RELATIVE ${ARG_ROOT} ${rescan} ${ARG_ROOT}/*)
    set(problems "")
    foreach(entry IN LISTS entries)
        if(IS_DIRECTORY ${ARG_ROOT}/${entry} AND NOT entry IN_LIST ARG_FOLDERS AND NOT entry IN_LIST ARG_HELPERS)
            string(APPEND problems "\n  tests/${entry}/ is not built: add it to the folders in tests/CMakeLists.txt")
        endif()
    endforeach()
    foreach(folder IN LISTS ARG_FOLDERS)
        if(NOT IS_DIRECTORY ${ARG_ROOT}/${folder})
            string(APPEND problems "\n  tests/${folder}/ is listed in tests/CMakeLists.txt but does not exist")
        endif()
    endforeach()
    file(GLOB_RECURSE sources ${rescan} ${ARG_ROOT}/tst_*.cpp ${ARG_ROOT}/fuzz_*.cpp)
    list(SORT sources)
    foreach(source IN LISTS sources)
        if(NOT source IN_LIST ARG_REGISTERED)
            file(RELATIVE_PATH shown ${ARG_ROOT} ${source})
            string(APPEND problems "\n  tests/${shown} is not built: register it with vigil_add_test() or "
                                   "vigil_add_fuzzer() in its folder's CMakeLists.txt")
        endif()
    endforeach()
    if(problems)
        message(FATAL_ERROR "Tests would be left out of the build:${problems}")
    endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
    vigil_check_test_tree(ROOT ${ROOT} FOLDERS ${FOLDERS} HELPERS ${HELPERS} REGISTERED ${REGISTERED})
    message(STATUS "test tree ${ROOT}: every folder and test source is built")
endif()
