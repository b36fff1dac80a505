# tst_testtree: the test-tree guard (testtree.cmake) run on small trees made here. A tree where everything is built
# passes; an unlisted folder, a listed folder that is gone and an unregistered test source each stop it, by name.
# Run by ctest as: cmake -D TESTTREE=.../testtree.cmake -D WORK=<scratch folder> -P tst_testtree.cmake

cmake_minimum_required(VERSION 3.21)
set(failures 0)
set(checks 0)

# Runs the guard on WORK/tree and checks its exit status and what it said.
function(check what expect_ok expect_text)
    execute_process(COMMAND ${CMAKE_COMMAND} -D ROOT=${WORK}/tree -D "FOLDERS=${FOLDERS}" -D "HELPERS=${HELPERS}"
                            -D "REGISTERED=${REGISTERED}" -P ${TESTTREE}
                    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
    math(EXPR n "${checks} + 1")
    set(checks ${n} PARENT_SCOPE)
    set(ok FALSE)
    if(result EQUAL 0)
        set(ok TRUE)
    endif()
    string(FIND "${out}" "${expect_text}" found)
    if(NOT ok STREQUAL expect_ok OR found LESS 0)
        message(SEND_ERROR "FAIL ${what}: exit ${result}, expected success=${expect_ok} and \"${expect_text}\":\n${out}")
        math(EXPR n "${failures} + 1")
        set(failures ${n} PARENT_SCOPE)
    else()
        message(STATUS "PASS ${what}")
    endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/tree/unit ${WORK}/tree/support ${WORK}/tree/fuzz)
file(WRITE ${WORK}/tree/unit/tst_a.cpp "")
file(WRITE ${WORK}/tree/fuzz/fuzz_b.cpp "")
file(WRITE ${WORK}/tree/support/helper.h "")
set(FOLDERS unit fuzz)
set(HELPERS support)
set(REGISTERED ${WORK}/tree/unit/tst_a.cpp ${WORK}/tree/fuzz/fuzz_b.cpp)
check("everything built" TRUE "every folder and test source is built")

file(MAKE_DIRECTORY ${WORK}/tree/gui)
file(WRITE ${WORK}/tree/gui/tst_c.cpp "")
list(APPEND REGISTERED ${WORK}/tree/gui/tst_c.cpp)
check("a folder nobody adds" FALSE "tests/gui/ is not built")

list(APPEND FOLDERS gui)
file(WRITE ${WORK}/tree/unit/tst_d.cpp "")
check("a test source nobody registers" FALSE "tests/unit/tst_d.cpp is not built")
file(WRITE ${WORK}/tree/fuzz/fuzz_e.cpp "")
list(APPEND REGISTERED ${WORK}/tree/unit/tst_d.cpp)
check("a fuzz target nobody registers" FALSE "tests/fuzz/fuzz_e.cpp is not built")
list(APPEND REGISTERED ${WORK}/tree/fuzz/fuzz_e.cpp)
check("all registered again" TRUE "every folder and test source is built")

list(APPEND FOLDERS integration)
check("a listed folder that is gone" FALSE "tests/integration/ is listed")

file(REMOVE_RECURSE ${WORK})
if(failures GREATER 0)
    message(FATAL_ERROR "${failures} of ${checks} checks failed")
endif()
message(STATUS "tst_testtree: all ${checks} checks held")
